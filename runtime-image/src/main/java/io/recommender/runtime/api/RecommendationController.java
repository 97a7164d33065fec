package io.recommender.runtime.api;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.tree.JsonNode;
import io.recommender.runtime.model.LoadedModel;
import io.recommender.runtime.model.RecommendationService;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;

@Controller
public class RecommendationController {
    /** How many items {@code /predict} answers, as the reference service did. */
    static final int PREDICT_K = 10;

    private final RecommendationService recommendations;

    public RecommendationController(RecommendationService recommendations) {
        this.recommendations = recommendations;
    }

    /** The reference service's endpoint, same request and answer shape, so existing clients keep working. */
    @Post(uri = "/predict", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public Mono<PredictResponse> predict(@Body JsonNode body) {
        return recommendations.recommend(PredictRequests.uid(body), PREDICT_K).map(r -> {
            int[] ids = new int[r.count()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = r.model().movieId(r.rows()[i]);
            }
            return new PredictResponse(ids);
        });
    }

    /**
     * Says whether an answer came from the result cache ({@code hit}) or was computed ({@code miss}), so a load
     * test can tell how much of its traffic did the work.
     */
    public static final String CACHE_HEADER = "X-Recommender-Cache";

    @Get(uri = "/v1/recommendations/{userId}", produces = MediaType.APPLICATION_JSON)
    public Mono<HttpResponse<RecommendationsResponse>> recommendations(@PathVariable int userId,
            @QueryValue(defaultValue = "10") @Min(1) @Max(LoadedModel.MAX_K) int k) {
        return recommendations.recommend(userId, k).map(r -> {
            List<RecommendationsResponse.Item> items = new ArrayList<>(r.count());
            for (int i = 0; i < r.count(); i++) {
                int row = r.rows()[i];
                items.add(new RecommendationsResponse.Item(r.model().movieId(row), r.model().title(row), r.scores()[i]));
            }
            return HttpResponse.ok(new RecommendationsResponse(userId, r.model().manifest().modelName(),
                    r.model().version(), r.fallback(), items, r.stale() ? Boolean.TRUE : null))
                    .header(CACHE_HEADER, r.cached() ? "hit" : "miss");
        });
    }
}
