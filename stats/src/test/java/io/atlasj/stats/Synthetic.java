package io.atlasj.stats;

import io.atlasj.workspec.results.Probabilities;
import io.atlasj.workspec.results.ResultsObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Many synthetic results for scale tests: copies of the real quickstart results (same times, actual labels,
 * curves) whose predictions are redrawn at random with a seed, so each copy is a different, unskilled model.
 */
public final class Synthetic {
    private Synthetic() {
    }

    public static List<ResultsObject> results(int count, long seed) {
        List<ResultsObject> real = Fixtures.quickstart();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<ResultsObject> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ResultsObject base = real.get(i % real.size());
            List<ResultsObject.FoldResult> folds = new ArrayList<>();
            for (ResultsObject.FoldResult f : base.folds()) {
                ResultsObject.Split t = f.test();
                int n = t.time().length;
                double[] predicted = new double[n];
                double[][] prob = t.probabilities() == null ? null : new double[n][];
                double scale = 0.001 + rnd.nextDouble() * 0.01;
                for (int r = 0; r < n; r++) {
                    if (prob == null) {
                        predicted[r] = 0.3 * t.actual()[r] + rnd.nextGaussian() * scale;
                    } else {
                        int k = t.probabilities().classes();
                        double[] p = new double[k];
                        double sum = 0;
                        for (int c = 0; c < k; c++) {
                            p[c] = 1 + rnd.nextDouble() + (c == (int) t.actual()[r] && rnd.nextDouble() < 0.1 ? 1 : 0);
                            sum += p[c];
                        }
                        int best = 0;
                        for (int c = 0; c < k; c++) {
                            p[c] /= sum;
                            best = p[c] > p[best] ? c : best;
                        }
                        prob[r] = p;
                        predicted[r] = best;
                    }
                }
                folds.add(new ResultsObject.FoldResult(f.fold(), f.status(), f.failure(), f.scaler(), f.boundaries(),
                        f.bestEpoch(), f.curves(), null, null, new ResultsObject.Split(t.time(), t.actual(), predicted,
                        prob == null ? null : Probabilities.of(prob)),
                        null, null));
            }
            Map<String, Object> spec = new HashMap<>(base.spec());
            spec.put("name", base.spec().get("name") + "~" + i);
            String key = HexFormat.of().toHexDigits(seed * 1_000_003L + i);
            out.add(new ResultsObject(base.schemaVersion(), key, base.workspec(), "done", null, spec,
                    base.featureset(), base.dataFingerprint(), folds, base.provenance(), base.startedAt(), base.millis()));
        }
        return out;
    }
}
