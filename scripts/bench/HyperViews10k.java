import io.atlasj.stats.chart.ChartFiles;
import io.atlasj.stats.chart.HyperparameterCharts;
import io.atlasj.stats.model.HyperparameterEffects;
import io.atlasj.workspec.results.ResultsObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hyperparameter views of one unit of 10,000 trials (a sampled sweep over six settings, one of them stopped early
 * in a third of the trials), as the report makes them: the effects, then the parallel coordinates and the slices as PNG
 * and SVG. Prints the time of each step, best of five. Run by scripts/bench-hyper.sh.
 */
public class HyperViews10k {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Path out = Files.createTempDirectory("hyper-10k");
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        List<ResultsObject> rs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        String[] acts = {"relu", "tanh", "gelu"};
        for (int i = 0; i < n; i++) {
            double lr = Math.pow(10, -5 + 3 * rnd.nextDouble());
            double dropout = 0.5 * rnd.nextDouble();
            double wd = Math.pow(10, -6 + 4 * rnd.nextDouble());
            String act = acts[rnd.nextInt(3)];
            List<Integer> hidden = rnd.nextBoolean() ? List.of(16) : List.of(64, 32);
            int batch = rnd.nextBoolean() ? 128 : 256;
            double loss = 1.0 + 0.05 * Math.abs(Math.log10(lr) + 3) + 0.03 * dropout + 0.01 * rnd.nextGaussian()
                    + (act.equals("tanh") ? 0.01 : 0);
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("type", "dnn");
            spec.put("hyperparameters", Map.of("hidden", hidden, "dropout", dropout, "activation", act));
            spec.put("training", Map.of("lr", lr, "weightDecay", wd, "batchSize", batch, "seed", (long) i));
            List<Map<String, Double>> curves = new ArrayList<>();
            for (int e = 0; e < 20; e++) {
                curves.add(Map.of("epoch", (double) e, "validationLoss", loss + 0.3 / (1 + e)));
            }
            boolean stopped = i % 3 == 0;
            ResultsObject.FoldResult f = new ResultsObject.FoldResult(0, "done", null, Map.of(), null, 19,
                    stopped ? curves.subList(0, 3) : curves, null, null, null, null, null);
            rs.add(new ResultsObject(6, "k" + i, "w", stopped ? "stopped" : "done", null, spec, Map.of(), List.of(),
                    List.of(f), Map.of(), 0, 0));
            names.add("dnn#" + i);
        }
        double[] sharpes = new double[n];
        long[] best = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
        HyperparameterEffects e = null;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            e = HyperparameterEffects.of("u", rs, names, sharpes);
            long t1 = System.nanoTime();
            ChartFiles.write(HyperparameterCharts.parallel(e, 0.1), out.resolve("parallel"), round % 2 == 0);
            long t2 = System.nanoTime();
            ChartFiles.write(HyperparameterCharts.slices(e), out.resolve("slices"), HyperparameterCharts.slicesAsSvg(e));
            long t3 = System.nanoTime();
            best[0] = Math.min(best[0], t1 - t0);
            best[1] = Math.min(best[1], t2 - t1);
            best[2] = Math.min(best[2], t3 - t2);
        }
        Path slicesSvg = out.resolve("slices.svg");
        System.out.printf("%d trials, %d settings: effects %.0f ms, parallel coordinates %.0f ms (PNG %d KB, SVG %d KB), "
                        + "slices %.0f ms (PNG %d KB, %s); best of 5; files in %s%n", n, e.settings().size(),
                best[0] / 1e6, best[1] / 1e6, Files.size(out.resolve("parallel.png")) / 1024,
                Files.size(out.resolve("parallel.svg")) / 1024, best[2] / 1e6, Files.size(out.resolve("slices.png")) / 1024,
                Files.exists(slicesSvg) ? "SVG " + Files.size(slicesSvg) / 1024 + " KB" : "no SVG", out);
        for (HyperparameterEffects.Setting s : e.settings()) {
            System.out.printf("  %-20s %5.1f%%%n", s.name(), 100 * s.share());
        }
    }
}
