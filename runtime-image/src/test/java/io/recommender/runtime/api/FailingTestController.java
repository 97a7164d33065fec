package io.recommender.runtime.api;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/** Test-only route that fails unexpectedly, to check that nothing of the failure reaches the client. */
@Controller("/test-only")
@Requires(env = Environment.TEST)
class FailingTestController {
    @Get("/boom")
    String boom() {
        throw new IllegalStateException("secret internal detail at /var/lib/something");
    }
}
