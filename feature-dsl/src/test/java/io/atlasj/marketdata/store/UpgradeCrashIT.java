package io.atlasj.marketdata.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upgrade of a store from before segments survives kill -9 at any moment: a real process opens a version-2 store
 * (the bundled Bitstamp trades and their bars as H2 rows: about 200 periods to move, each committed) and is killed with
 * SIGKILL part-way, at several fractions of the time a whole upgrade takes; the store then opens with every tick and
 * bar it held, and no file the catalogue does not name.
 */
class UpgradeCrashIT {
    @TempDir
    Path dir;

    private Process probe(Path store) throws IOException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), UpgradeCrashProbe.class.getName(), store.toString());
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static String firstLine(Process p) throws IOException {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            return out.readLine();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    @Test
    void anUpgradeKilledAtAnyMomentLeavesAStoreThatOpensWithAllItHeld() throws Exception {
        Map<String, Object> expected;
        Path legacy = dir.resolve("legacy");
        try (MarketDataStore store = MarketDataStore.open(dir.resolve("current"))) {
            var s = new ImportJob(store).run(List.of(BundledData.extract(dir.resolve("bundled"))),
                    ImportOptions.of(ImportFormat.BITSTAMP_TRADES, "bitstamp", "btc_usd"), ImportJob.Listener.NONE);
            assertThat(s.rejectedFiles()).isZero();
            expected = LegacyStores.everyBar(store);
            LegacyStores.legacyCopy(store, legacy, 2);
        }
        // how long a whole upgrade takes in a process of its own
        Path whole = dir.resolve("whole");
        copy(legacy, whole);
        long t0 = System.nanoTime();
        Process full = probe(whole);
        assertThat(firstLine(full)).isEqualTo("OPENED 1");
        assertThat(full.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long millis = (System.nanoTime() - t0) / 1_000_000L;

        int killedEarly = 0;
        for (double fraction : new double[] {0.55, 0.7, 0.85, 0.95}) {
            Path at = dir.resolve("killed-" + fraction);
            copy(legacy, at);
            Process p = probe(at);
            boolean finished = p.waitFor((long) (millis * fraction), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly(); // SIGKILL: no shutdown hooks, no H2 close
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                killedEarly++;
            }
            try (MarketDataStore store = MarketDataStore.open(at)) {
                assertThat(LegacyStores.everyBar(store)).as("killed at %.0f%% of %d ms", 100 * fraction, millis)
                        .isEqualTo(expected);
                List<Path> named = new ArrayList<>();
                try (var st = store.connection().createStatement();
                     var rs = st.executeQuery("SELECT file FROM bar_segments")) {
                    while (rs.next()) {
                        named.add(at.resolve("bars").resolve(rs.getString(1)));
                    }
                }
                try (var onDisk = Files.walk(at.resolve("bars"))) {
                    assertThat(onDisk.filter(Files::isRegularFile).toList()).containsExactlyInAnyOrderElementsOf(named);
                }
            }
        }
        assertThat(killedEarly).as("upgrades killed before they finished (of 4; a whole one took %d ms)", millis)
                .isPositive();
    }
}
