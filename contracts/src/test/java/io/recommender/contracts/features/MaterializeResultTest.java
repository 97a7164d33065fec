package io.recommender.contracts.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MaterializeResultTest {
    @Test
    void readsWhatItWrites() {
        MaterializeResult r = new MaterializeResult(610, 100_836, 9_742);

        assertThat(MaterializeResult.fromJson(r.toJson())).isEqualTo(r);
    }

    @Test
    void aNewerWriterMayAddFields() {
        assertThat(MaterializeResult.fromJson("{\"users\":3,\"ratings\":7,\"movies\":2,\"seconds\":0.5}"))
                .isEqualTo(new MaterializeResult(3, 7, 2));
    }

    @Test
    void aBrokenResultIsRefusedInWords() {
        assertThatThrownBy(() -> MaterializeResult.fromJson("materialized 610 users"))
                .hasMessage("the materialize result is not JSON");
        assertThatThrownBy(() -> MaterializeResult.fromJson("{\"users\":1.5,\"ratings\":1,\"movies\":1}"))
                .hasMessage("the materialize result has no whole number 'users'");
        assertThatThrownBy(() -> MaterializeResult.fromJson("{\"users\":1,\"movies\":1}"))
                .hasMessage("the materialize result has no whole number 'ratings'");
        assertThatThrownBy(() -> MaterializeResult.fromJson("{\"users\":-1,\"ratings\":1,\"movies\":1}"))
                .hasMessage("counts cannot be negative");
    }
}
