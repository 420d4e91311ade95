package io.atlasj.stats.report;

import io.atlasj.stats.Fixtures;
import io.atlasj.stats.Synthetic;
import io.atlasj.workspec.results.ResultsObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Bench command (not a test): times the HTML report of N synthetic models (default 1,000; see {@link Synthetic}),
 * 3 runs after one warm-up, with the default card cap. Run with {@code scripts/bench-report.sh [N]}.
 */
public final class ReportBench {
    private ReportBench() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        List<ResultsObject> results = Synthetic.results(n, 1);
        Path out = Path.of("target", "bench-report");
        for (int run = 0; run < 4; run++) {
            long t0 = System.nanoTime();
            HtmlReport.Written w = HtmlReport.write("bench", null, results, Fixtures.pricing(), out);
            double s = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            HtmlReport.write("bench", null, results, Fixtures.pricing(), out.resolveSibling("bench-report-nocards"), 0);
            double s0 = (System.nanoTime() - t1) / 1e9;
            System.out.printf(Locale.ROOT, "%s %d models: %.1f s with %d cards, %.1f s without cards%n",
                    run == 0 ? "warm-up" : "run " + run, n, s, w.cards(), s0);
        }
    }
}
