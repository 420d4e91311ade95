package io.atlasj.marketdata.pipeline;

import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.store.MarketDataStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * What recording a busy market's trades costs, as a live runner with {@code --trades} records them: its trades are
 * written to a capture file and imported every five minutes ({@code binance-ws} format, through {@link ImportJob}, as
 * the runner's spool imports them). The market is Binance USD-M BTCUSDT: the real trades of 2024-08-08 23:47 to 23:53
 * UTC (21,313 trades in 343 s, ../shared/data/binance-ticks/usdm), repeated with times and ids shifted to fill a UTC
 * day (about 5.4 million trades). Prints each batch's import time over the day.
 *
 * <pre>scripts/bench-trade-recording.sh [MINUTES_PER_BATCH]</pre>
 */
public final class TradeRecordingBenchmark {
    private static final Pattern TRADE = Pattern.compile(
            "\"E\":(\\d+),\"T\":(\\d+),\"s\":\"BTCUSDT\",\"t\":(\\d+),\"p\":\"([0-9.]+)\",\"q\":\"([0-9.]+)\","
                    + "\"X\":\"MARKET\",\"m\":(true|false)");

    private TradeRecordingBenchmark() {
    }

    record Trade(long time, long id, String price, String qty, boolean maker) {}

    public static void main(String[] args) throws IOException {
        int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path shared = Path.of(System.getProperty("atlas.shared.data", "../shared/data"),
                "binance-ticks/usdm/btcusdt_20240808.gz");
        List<Trade> capture = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(
                shared)), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                Matcher m = TRADE.matcher(line);
                if (m.find()) {
                    capture.add(new Trade(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), m.group(4),
                            m.group(5), m.group(6).equals("true")));
                }
            }
        }
        long t0 = capture.get(0).time();
        long span = capture.get(capture.size() - 1).time() - t0 + 1;
        long id0 = capture.get(0).id();
        long idSpan = capture.get(capture.size() - 1).id() - id0 + 1;
        long day = Timeframe.D1.floor(t0) + Timeframe.D1.millis(); // 2024-08-09, the day after the capture
        long batchMillis = minutes * 60_000L;
        Path dir = Files.createTempDirectory("atlas-trade-recording");
        Path home = dir.resolve("store");
        ImportOptions options = ImportOptions.of(ImportFormat.BINANCE_WS, "binance-um", "btcusdt");
        List<double[]> rows = new ArrayList<>(); // (hour of the day, trades, ms)
        long total = 0;
        long totalMs = 0;
        try (MarketDataStore store = MarketDataStore.open(home)) {
            int copy = 0;
            int at = 0;
            for (long batch = day; batch < day + Timeframe.D1.millis(); batch += batchMillis) {
                StringBuilder text = new StringBuilder();
                int n = 0;
                while (true) {
                    Trade c = capture.get(at);
                    long time = day + copy * span + (c.time() - t0);
                    if (time >= batch + batchMillis || time >= day + Timeframe.D1.millis()) {
                        break;
                    }
                    long id = id0 + (copy + 1) * idSpan + (c.id() - id0);
                    text.append(time * 1_000_000L).append(" {\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\","
                            + "\"E\":").append(time).append(",\"T\":").append(time).append(",\"s\":\"BTCUSDT\",\"t\":")
                            .append(id).append(",\"p\":\"").append(c.price()).append("\",\"q\":\"").append(c.qty())
                            .append("\",\"X\":\"MARKET\",\"m\":").append(c.maker()).append("}}\n");
                    n++;
                    if (++at == capture.size()) {
                        at = 0;
                        copy++;
                    }
                }
                Path f = dir.resolve("batch-" + batch + ".txt");
                Files.writeString(f, text);
                long s = System.nanoTime();
                var o = new ImportJob(store).run(List.of(f), options, ImportJob.Listener.NONE).files().get(0);
                long ms = (System.nanoTime() - s) / 1_000_000L;
                if (o.error() != null) {
                    throw new IllegalStateException(o.error());
                }
                Files.delete(f);
                rows.add(new double[] {(batch - day) / 3_600_000.0, n, ms});
                total += n;
                totalMs += ms;
            }
            System.out.printf("%d trades of binance-um:btcusdt in a UTC day, imported in %d batches of %d minutes: "
                    + "%.1f s in all (%.0f trades/s)%n", total, rows.size(), minutes, totalMs / 1000.0,
                    total / (totalMs / 1000.0));
            for (double h : new double[] {0, 1, 6, 12, 18, 23}) {
                double[] ms = rows.stream().filter(r -> r[0] >= h && r[0] < h + 1).mapToDouble(r -> r[2]).sorted()
                        .toArray();
                double trades = rows.stream().filter(r -> r[0] >= h && r[0] < h + 1).mapToDouble(r -> r[1]).sum()
                        / Math.max(1, ms.length);
                System.out.printf("hour %02.0f: %.0f trades a batch, import median %.0f ms, max %.0f ms%n", h, trades,
                        ms[ms.length / 2], ms[ms.length - 1]);
            }
            System.out.println("stored: " + store.trades(new Market("binance-um", "btcusdt"), Long.MIN_VALUE,
                    Long.MAX_VALUE).size() + " trades; "
                    + Arrays.toString(store.summaries().stream().filter(x -> x.timeframe() != null)
                    .map(x -> x.timeframe().label() + "=" + x.rows()).toArray()));
        } finally {
            try (var p = Files.walk(dir)) {
                p.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
            }
        }
    }
}
