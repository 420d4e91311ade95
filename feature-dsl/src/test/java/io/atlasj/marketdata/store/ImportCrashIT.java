package io.atlasj.marketdata.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.TradeSeries;
import io.atlasj.marketdata.pipeline.BundledData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * Committed imports survive kill -9 of the importing process, and a file being imported when the process dies is
 * either wholly present or wholly absent. The bundled Bitstamp trades are split into one file per UTC day; a real
 * subprocess imports them and is killed with SIGKILL right after its second commit, while it imports the third.
 */
class ImportCrashIT {
    private static final Market BTC = new Market("bitstamp", "btc_usd");
    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    @RepeatedTest(3)
    void committedFilesSurviveKillDashNine() throws Exception {
        Map<Path, Integer> dayFiles = splitByDay(BundledData.extract(dir.resolve("bundled")));
        Path storeDir = dir.resolve("store");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ImportCrashProbe.class.getName(), storeDir.toString()));
        dayFiles.keySet().forEach(p -> cmd.add(p.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<Path> committed = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                assertThat(line).doesNotStartWith("FAILED");
                if (line.startsWith("COMMITTED ")) {
                    committed.add(Path.of(line.substring("COMMITTED ".length())));
                    if (committed.size() == 2) {
                        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no H2 close
                        break;
                    }
                }
            }
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(137); // 128 + SIGKILL
        assertThat(committed).hasSize(2);

        try (MarketDataStore store = MarketDataStore.open(storeDir)) {
            int expectedAtLeast = 0;
            for (Path f : committed) {
                expectedAtLeast += dayFiles.get(f);
            }
            TradeSeries trades = store.trades(BTC, Long.MIN_VALUE, Long.MAX_VALUE);
            // every committed day is complete
            List<Path> files = new ArrayList<>(dayFiles.keySet());
            long total = 0;
            for (int d = 0; d < files.size(); d++) {
                Path f = files.get(d);
                long from = dayStart(f);
                int n = store.trades(BTC, from, from + DAY).size();
                if (committed.contains(f)) {
                    assertThat(n).as("committed " + f.getFileName()).isEqualTo(dayFiles.get(f));
                } else {
                    assertThat(n).as("uncommitted " + f.getFileName() + " is all or nothing").isIn(0, dayFiles.get(f));
                }
                total += n;
            }
            assertThat(trades.size()).isEqualTo(total).isGreaterThanOrEqualTo(expectedAtLeast);
            // the candles committed with the trades are there too
            CandleSeries m1 = store.candles(BTC, Timeframe.M1);
            double volume = 0;
            for (double v : m1.volumes()) {
                volume += v;
            }
            double tradeVolume = 0;
            for (double q : trades.quantities()) {
                tradeVolume += q;
            }
            assertThat(volume).isCloseTo(tradeVolume, org.assertj.core.api.Assertions.within(1e-6));
            // the bar segments on disk are exactly those the committed imports name: what the killed import wrote
            // before its commit, or what a commit replaced, went when the store was opened again
            LegacyStores.assertOnlyNamedFiles(store, storeDir);
        }
    }

    /**
     * A market's removal ({@code data remove}) killed with SIGKILL at a varying moment after it began (the bundled
     * trades imported under a second name, about 100 ms to remove): on reopening,
     * the market is either whole (its trades and every bar series as before) or gone whole, the other market is
     * untouched, and the files on disk are exactly those the catalogue names.
     */
    @RepeatedTest(6)
    void aRemovalKilledMidwayLeavesTheMarketWholeOrGone(org.junit.jupiter.api.RepetitionInfo rep) throws Exception {
        Path bundled = BundledData.extract(dir.resolve("bundled"));
        Path storeDir = dir.resolve("store");
        Market eur = new Market("bitstamp", "btc_eur");
        java.util.Map<Timeframe, Integer> eurBars = new java.util.LinkedHashMap<>();
        int eurTrades;
        double[] btcCloses;
        try (MarketDataStore store = MarketDataStore.open(storeDir)) {
            new io.atlasj.marketdata.pipeline.ImportJob(store).run(List.of(bundled), BundledData.options(),
                    io.atlasj.marketdata.pipeline.ImportJob.Listener.NONE);
            new io.atlasj.marketdata.pipeline.ImportJob(store).run(List.of(bundled),
                    io.atlasj.marketdata.imports.ImportOptions.of(io.atlasj.marketdata.imports.ImportFormat
                            .BITSTAMP_TRADES, "bitstamp", "btc_eur"), io.atlasj.marketdata.pipeline.ImportJob.Listener.NONE);
            eurTrades = store.trades(eur, Long.MIN_VALUE, Long.MAX_VALUE).size();
            for (Timeframe tf : Timeframe.values()) {
                eurBars.put(tf, store.candles(eur, tf).size());
            }
            btcCloses = store.candles(BTC, Timeframe.M1).closes();
        }
        assertThat(eurTrades).isEqualTo(100_000);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ImportCrashProbe.class.getName(), "--remove",
                storeDir.toString(), eur.toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("REMOVING");
            // 0 to 300 ms into the removal: on this machine the first two kills found it whole, the others gone
            Thread.sleep(60L * (rep.getCurrentRepetition() - 1));
            p.destroyForcibly();
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        try (MarketDataStore store = MarketDataStore.open(storeDir)) {
            int trades = store.trades(eur, Long.MIN_VALUE, Long.MAX_VALUE).size();
            assertThat(trades).as("trades of the removed market").isIn(0, eurTrades);
            boolean whole = trades == eurTrades;
            for (Timeframe tf : Timeframe.values()) {
                assertThat(store.candles(eur, tf).size()).as(tf.label()).isEqualTo(whole ? eurBars.get(tf) : 0);
            }
            assertThat(store.candles(BTC, Timeframe.M1).closes()).isEqualTo(btcCloses);
            LegacyStores.assertOnlyNamedFiles(store, storeDir);
        }
    }

    private static long dayStart(Path f) {
        return Long.parseLong(f.getFileName().toString().replace("day-", "").replace(".csv", "")) * 1000L;
    }

    /** Writes one CSV per UTC day, named day-&lt;epoch seconds&gt;.csv; returns file -> number of trades. */
    private Map<Path, Integer> splitByDay(Path bundled) throws IOException {
        Map<Long, StringBuilder> days = new LinkedHashMap<>();
        Map<Long, Integer> counts = new LinkedHashMap<>();
        for (String line : Files.readAllLines(bundled)) {
            if (line.startsWith("timestamp")) {
                continue;
            }
            long day = Long.parseLong(line.substring(0, line.indexOf(','))) / 86_400 * 86_400;
            days.computeIfAbsent(day, k -> new StringBuilder()).append(line).append('\n');
            counts.merge(day, 1, Integer::sum);
        }
        Map<Path, Integer> out = new LinkedHashMap<>();
        for (var e : days.entrySet()) {
            Path f = dir.resolve("day-" + e.getKey() + ".csv");
            Files.writeString(f, e.getValue());
            out.put(f, counts.get(e.getKey()));
        }
        return out;
    }
}
