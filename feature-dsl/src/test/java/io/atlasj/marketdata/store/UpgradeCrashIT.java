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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upgrade of a store from before segments survives kill -9 at any moment: a real process opens a version-2 store
 * (the bundled Bitstamp trades and their bars as H2 rows: about 200 periods to move, each committed) and is killed with
 * SIGKILL part-way, once it has written 5%, 35%, 65% and 85% of the files a whole upgrade writes (the store is then
 * still of the old version); the store then opens with every tick and bar it held, and no file the catalogue does not
 * name.
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

    /** The segment files under a store's folder (0 before the upgrade made it). */
    private static long segmentFiles(Path store) throws IOException {
        Path bars = store.resolve("bars");
        if (!Files.isDirectory(bars)) {
            return 0;
        }
        try (var files = Files.walk(bars)) {
            return files.filter(f -> f.toString().endsWith(".bars")).count();
        } catch (java.io.UncheckedIOException e) {
            return 0; // a folder made or emptied while walked: look again
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
        // how many segment files a whole upgrade writes, in a process of its own
        Path whole = dir.resolve("whole");
        copy(legacy, whole);
        Process full = probe(whole);
        assertThat(firstLine(full)).isEqualTo("OPENED 1");
        assertThat(full.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long files = segmentFiles(whole);
        assertThat(files).isGreaterThan(100);

        for (double fraction : new double[] {0.05, 0.35, 0.65, 0.85}) {
            Path at = dir.resolve("killed-" + fraction);
            copy(legacy, at);
            Process p = probe(at);
            // killed once the upgrade has written that share of its files, as ImportCrashIT kills after commits
            long target = Math.max(1, (long) (files * fraction));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (segmentFiles(at) < target && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertThat(p.isAlive()).as("the upgrade was still running at %.0f%% of its files", 100 * fraction)
                    .isTrue();
            p.destroyForcibly(); // SIGKILL: no shutdown hooks, no H2 close
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // it died part-way: the store is still of the old version
            try (var c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + at.resolve("marketdata"), "atlas", "");
                 var st = c.createStatement(); var rs = st.executeQuery("SELECT MAX(version) FROM schema_version")) {
                rs.next();
                assertThat(rs.getInt(1)).as("killed at %.0f%% of %d files", 100 * fraction, files).isEqualTo(2);
            }
            try (MarketDataStore store = MarketDataStore.open(at)) {
                assertThat(LegacyStores.everyBar(store)).as("killed at %.0f%% of %d files", 100 * fraction, files)
                        .isEqualTo(expected);
                LegacyStores.assertOnlyNamedFiles(store, at);
            }
        }
    }
}
