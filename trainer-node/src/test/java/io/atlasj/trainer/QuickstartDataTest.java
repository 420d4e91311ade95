package io.atlasj.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.trainer.data.DatasetPreparer;
import io.atlasj.trainer.data.PreparedData;
import io.atlasj.trainer.model.Dl4jTrainer;
import io.atlasj.trainer.model.ModelTrainer;
import io.atlasj.trainer.model.TrainingResult;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkSpecYaml;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart WorkSpec's models on the real bundled data: folds prepared from the built matrix, every
 * implemented model trained, and compared with the majority-class baseline of the same test rows.
 */
class QuickstartDataTest {
    @TempDir
    Path dir;

    @Test
    void quickstartModelsTrainOnRealDataAgainstABaseline() throws Exception {
        WorkSpec ws = WorkSpecYaml.read(Path.of("../configs/workspecs/quickstart.yaml"));
        List<ModelSpec> models = Expander.expand(ws);
        try (MarketDataStore store = MarketDataStore.open(dir)) {
            new ImportJob(store).run(List.of(BundledData.extract(dir.resolve("b"))), BundledData.options(),
                    ImportJob.Listener.NONE);
            FeatureMatrix m = new FeatureSetBuilder(SeriesSource.of(store)).build(models.get(0).featureset(),
                    models.get(0).from(), models.get(0).to());
            int trained = 0;
            StringBuilder report = new StringBuilder();
            for (ModelSpec s : models) {
                if (s.type() == io.atlasj.workspec.ModelType.ENSEMBLE) {
                    continue; // combined from its members' results by the runner (RunLocalTest)
                }
                List<PreparedData> folds = DatasetPreparer.prepare(s, m);
                assertThat(folds).hasSize(1);
                PreparedData d = folds.get(0);
                assertThat(d.train().rows() + d.validation().rows() + d.test().rows()).isLessThanOrEqualTo(m.rows());
                TrainingResult r = new Dl4jTrainer().train(s, d, ModelTrainer.Listener.NONE);
                assertThat(r.ok()).as(s.name() + ": " + r.failure()).isTrue();
                assertThat(r.test().values()).hasSize(d.test().rows());
                trained++;
                if (d.classes() > 0) {
                    double acc = 0;
                    for (int i = 0; i < d.test().rows(); i++) {
                        acc += r.test().values()[i] == d.test().y()[i] ? 1 : 0;
                    }
                    acc /= d.test().rows();
                    int[] counts = new int[d.classes()];
                    for (double y : d.train().y()) {
                        counts[(int) y]++;
                    }
                    int majority = 0;
                    for (int c = 1; c < counts.length; c++) {
                        majority = counts[c] > counts[majority] ? c : majority;
                    }
                    final int maj = majority;
                    double base = Arrays.stream(d.test().y()).filter(y -> y == maj).count() / (double) d.test().rows();
                    report.append(String.format("%s %s: test accuracy %.3f, majority-class baseline %.3f%n", s.unit(),
                            s.name(), acc, base));
                    assertThat(acc).isBetween(0.0, 1.0);
                }
            }
            assertThat(trained).isEqualTo(24);
            System.out.print(report);
        }
    }
}
