package io.atlasj.features.set;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second build of the same set is a cache hit with identical content; new data makes it a miss. */
class FeaturesetCacheTest {
    @TempDir
    Path dir;

    @Test
    void hitsOnTheSameDataAndMissesAfterAnImport() throws Exception {
        FeatureLabelSet set = FeatureSetYaml.read(Path.of("../configs/featuresets/quickstart.yaml"));
        FeaturesetCache cache = new FeaturesetCache(dir.resolve("cache"));
        long from = Long.MIN_VALUE / 4;
        long to = Long.MAX_VALUE / 4;
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("store"))) {
            new ImportJob(store).run(List.of(BundledData.extract(dir.resolve("b"))), BundledData.options(),
                    ImportJob.Listener.NONE);
            FeatureSetBuilder b = new FeatureSetBuilder(SeriesSource.of(store));
            FeatureSetBuilder.Built first = b.build(set, from, to, cache);
            assertThat(first.cacheHit()).isFalse();
            assertThat(first.file()).isPresent();
            assertThat(first.file().get()).exists().hasFileName("matrix.arrow");
            // Arrow IPC file magic at both ends
            byte[] bytes = Files.readAllBytes(first.file().get());
            assertThat(new String(bytes, 0, 6, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ARROW1");

            FeatureSetBuilder.Built second = b.build(set, from, to, cache);
            assertThat(second.cacheHit()).isTrue();
            FeatureMatrix m1 = first.matrix();
            FeatureMatrix m2 = second.matrix();
            assertThat(m2.time()).containsExactly(m1.time());
            assertThat(m2.featureIds()).isEqualTo(m1.featureIds());
            assertThat(m2.labelIds()).isEqualTo(m1.labelIds());
            for (int c = 0; c < m1.features().length; c++) {
                assertThat(m2.features()[c]).containsExactly(m1.features()[c]);
            }
            for (int c = 0; c < m1.labels().length; c++) {
                assertThat(m2.labels()[c]).containsExactly(m1.labels()[c]);
            }
            assertThat(m2.report().baseBars()).isEqualTo(m1.report().baseBars());
            assertThat(m2.report().missing()).isEqualTo(m1.report().missing());
            // the data it was built from, kept in the file: a matrix read back (a cluster trainer's) still tells
            assertThat(m1.dataFingerprint()).singleElement().asString().matches("bitstamp:btc_usd 5m candles \\S+");
            assertThat(m2.dataFingerprint()).isEqualTo(m1.dataFingerprint());
            assertThat(FeaturesetCache.read(first.file().get()).dataFingerprint()).isEqualTo(m1.dataFingerprint());

            // a different range is a different key
            assertThat(b.build(set, m1.time()[100], to, cache).cacheHit()).isFalse();

            // new data for the market changes the series' fingerprint: a miss
            Path more = dir.resolve("more.csv");
            Files.writeString(more, "1385942400,1000,1\n1385942700,1001,1\n");
            new ImportJob(store).run(List.of(more), BundledData.options(), ImportJob.Listener.NONE);
            FeatureSetBuilder.Built third = b.build(set, from, to, cache);
            assertThat(third.cacheHit()).isFalse();
            assertThat(third.file().get()).isNotEqualTo(first.file().get());
            assertThat(third.matrix().dataFingerprint()).isNotEqualTo(m1.dataFingerprint());
        }
    }
}
