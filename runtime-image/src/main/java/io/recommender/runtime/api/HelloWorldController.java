package io.recommender.runtime.api;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/**
 * Micronaut's hello-world endpoint, the baseline the service's throughput is measured against in the same
 * process (bench/service-bench.sh). Off unless {@code recommender.bench.hello-world=true}.
 */
@Controller("/hello")
@Requires(property = "recommender.bench.hello-world", value = "true")
public class HelloWorldController {
    @Get(produces = MediaType.TEXT_PLAIN)
    public String hello() {
        return "Hello World";
    }
}
