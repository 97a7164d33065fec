package io.recommender.runtime;

import io.micronaut.runtime.Micronaut;

/** Starts the recommender service; settings in application.yml, overridable by environment variables. */
public final class Application {
    private Application() {}

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
