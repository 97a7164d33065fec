package io.recommender.runtime.api;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/**
 * Micronaut's hello-world endpoint, the baseline the service's throughput is measured against in the same
 * process (bench/service-bench.sh). Only in the {@code bench} environment ({@code -Dmicronaut.environments=bench}), never in production routes.
 */
@Controller("/hello")
@Requires(env = "bench")
public class HelloWorldController {
    @Get(produces = MediaType.TEXT_PLAIN)
    public String hello() {
        return "Hello World";
    }
}
