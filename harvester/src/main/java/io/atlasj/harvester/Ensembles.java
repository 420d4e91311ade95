package io.atlasj.harvester;

import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.results.Probabilities;
import io.atlasj.workspec.results.ResultsIo;
import io.atlasj.workspec.results.ResultsObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Ensembles of trained members (classification): {@code majority} takes the class most members predict (ties to
 * the lower class), {@code max-confidence} the class of the member most confident in its own prediction. The
 * ensemble's result has the members' rows, fold by fold; it needs every member done.
 */
public final class Ensembles {
    private Ensembles() {
    }

    public static ResultsObject combine(ModelSpec e, List<ResultsObject> members, Map<String, String> provenance,
                                 Map<String, Object> spec) {
        long start = System.currentTimeMillis();
        String vote = (String) e.hyper().get("vote");
        String failure = null;
        List<ResultsObject.FoldResult> folds = new ArrayList<>();
        if (members.isEmpty() || members.stream().anyMatch(m -> m == null || !m.status().equals("done"))) {
            long stopped = members.stream().filter(m -> m != null && m.status().equals("stopped")).count();
            failure = "an ensemble needs every member done; " + members.stream().filter(m -> m == null
                    || !m.status().equals("done")).count() + " of " + members.size() + " are missing, failed or stopped"
                    + (stopped == 0 ? "" : " (" + stopped + " stopped early by the unit's search: combine members of a "
                    + "unit without a search)");
        } else if (members.get(0).folds().get(0).test().probabilities() == null) {
            failure = "ensembles combine classifiers; the members are regressors";
        } else {
            for (int f = 0; f < members.get(0).folds().size(); f++) {
                final int fi = f;
                List<ResultsObject.FoldResult> mf = members.stream().map(m -> m.folds().get(fi)).toList();
                folds.add(new ResultsObject.FoldResult(f, "done", null, mf.get(0).scaler(), mf.get(0).boundaries(), -1,
                        List.of(), vote(mf.stream().map(ResultsObject.FoldResult::train).toList(), vote),
                        vote(mf.stream().map(ResultsObject.FoldResult::validation).toList(), vote),
                        vote(mf.stream().map(ResultsObject.FoldResult::test).toList(), vote), null, null));
            }
        }
        return new ResultsObject(ResultsIo.CURRENT_VERSION, e.key(), e.workspec(), failure == null ? "done" : "failed",
                failure, spec, featureset(e), List.of(), folds, provenance, start,
                System.currentTimeMillis() - start);
    }

    /**
     * What an ensemble's result says of its featureset: its members, and the price basis its members were built and are
     * traded on ({@code prices: mid}; absent for trades, as in a member's result), so that it is priced as they are.
     */
    private static Map<String, Object> featureset(ModelSpec e) {
        if (e.featureset().prices() == io.atlasj.features.eval.PriceBasis.TRADES) {
            return Map.of("members", e.memberKeys());
        }
        return Map.of("members", e.memberKeys(), "prices", e.featureset().prices().yamlName());
    }

    /** The members' votes on one part, or null when a member has no predictions of it (training parts, schema 8). */
    static ResultsObject.Split vote(List<ResultsObject.Split> parts, String how) {
        if (parts.stream().anyMatch(java.util.Objects::isNull)) {
            return null;
        }
        ResultsObject.Split first = parts.get(0);
        for (ResultsObject.Split p : parts) {
            if (!Arrays.equals(p.time(), first.time())) {
                throw new IllegalStateException("ensemble members were evaluated on different rows");
            }
        }
        int n = first.time().length;
        int k = n == 0 ? 0 : first.probabilities().classes();
        double[] predicted = new double[n];
        double[] prob = new double[n * k];
        for (int i = 0; i < n; i++) {
            if (how.equals("majority")) {
                int[] votes = new int[k];
                for (ResultsObject.Split p : parts) {
                    votes[(int) p.predicted()[i]]++;
                }
                int best = 0;
                for (int c = 1; c < k; c++) {
                    best = votes[c] > votes[best] ? c : best;
                }
                predicted[i] = best;
                for (int c = 0; c < k; c++) {
                    prob[i * k + c] = (double) votes[c] / parts.size();
                }
            } else {
                ResultsObject.Split most = parts.get(0);
                double conf = -1;
                for (ResultsObject.Split p : parts) {
                    double c = 0;
                    for (int q = 0; q < k; q++) {
                        c = Math.max(c, p.probabilities().get(i, q));
                    }
                    if (c > conf) {
                        conf = c;
                        most = p;
                    }
                }
                predicted[i] = most.predicted()[i];
                System.arraycopy(most.probabilities().values(), i * k, prob, i * k, k);
            }
        }
        return new ResultsObject.Split(first.time(), first.actual(), predicted, Probabilities.of(k, prob));
    }
}
