package io.atlasj.trainer.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.features.Label;
import io.atlasj.features.eval.GapPolicy;
import io.atlasj.features.parse.FeatureParser;
import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.ModelType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When a frame's outcome is due: the close of the last bar its label reads, on the label's own timeline. A 5-minute
 * row takes the label of the hour bar that closed last at or before its close (as the batch build aligns it), and
 * that label reads its horizon's hour bars after it.
 */
class TargetTimeTest {
    private static LiveModel model(String label) {
        Label l = FeatureParser.parseLabel(label);
        FeatureLabelSet set = new FeatureLabelSet("t", Market.parse("bitstamp:btc_usd"), Timeframe.M5, null, null,
                List.of(FeatureParser.parseFeature("LogReturns(1).market(\"bitstamp:btc_usd\").timeframe(\"5m\")")),
                List.of(l), GapPolicy.DROP);
        return new LiveModel("t/u/m", "0".repeat(32), Path.of("."), ModelType.DNN, set, l,
                new DatasetOptions(DatasetOptions.Task.REGRESSION, null, DatasetOptions.Classes.NONE, null, null),
                new double[] {0}, new double[] {1}, 0, 1, null, "m.zip", "0".repeat(64), null, List.of(),
                io.atlasj.trainer.model.Optimizer.ADAM);
    }

    private static long t(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void aLabelOnTheBaseTimeframeIsDueAtTheCloseOfItsLastBar() {
        LiveModel m = model("FutureReturn(3).market(\"bitstamp:btc_usd\").timeframe(\"5m\")");
        // bars 10:05 (the row), then 10:10, 10:15, 10:20: the last closes at 10:25
        assertThat(m.targetTime(t("2013-11-27T10:05:00Z"))).isEqualTo(t("2013-11-27T10:25:00Z"));
    }

    @Test
    void aLabelOnHourBarsIsDueAtTheCloseOfItsLastHourBar() {
        LiveModel m = model("FutureReturn(2).market(\"bitstamp:btc_usd\").timeframe(\"1h\")");
        // the row of 10:05 (closing 10:10) takes the 09:00 hour bar's label, which reads the 10:00 and 11:00 bars
        assertThat(m.targetTime(t("2013-11-27T10:05:00Z"))).isEqualTo(t("2013-11-27T12:00:00Z"));
        // the row of 10:55 closes at 11:00: the 10:00 bar has closed, and its label reads 11:00 and 12:00
        assertThat(m.targetTime(t("2013-11-27T10:55:00Z"))).isEqualTo(t("2013-11-27T13:00:00Z"));
    }
}
