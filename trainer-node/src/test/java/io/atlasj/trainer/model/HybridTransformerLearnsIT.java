package io.atlasj.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.trainer.data.PreparedData;
import org.junit.jupiter.api.Test;

/** The hybrid learns a label that needs both slower timeframes' past (an IT: 20 to 40 s on one shared core). */
class HybridTransformerLearnsIT {
    @Test
    void learnsAFunctionOfTheSlowerTimeframesPast() throws Exception {
        PreparedData d = HybridTransformerTest.data(2400, 5);
        TrainingResult r = new Dl4jTrainer().train(HybridTransformerTest.spec(HybridTransformerTest.small().build()), d,
                ModelTrainer.Listener.NONE);
        assertThat(r.ok()).as(r.failure()).isTrue();
        double acc = TestData.accuracy(r.validation(), d.validation());
        System.out.printf("hybrid-transformer, 15m+1h lagged sum: validation accuracy %.3f in %d ms%n", acc, r.millis());
        assertThat(acc).isGreaterThan(0.95);
    }
}
