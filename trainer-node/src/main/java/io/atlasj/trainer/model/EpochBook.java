package io.atlasj.trainer.model;

import java.util.List;
import java.util.Map;

/**
 * The epoch bookkeeping both training loops share ({@link Dl4jTrainer}, {@link SameDiffTrainer}): the best monitored
 * value and its epoch, early stopping after {@code patience} epochs without improvement, the learning rate with its
 * reduce-on-plateau state, and the checkpoint record of all of it for a resume.
 */
final class EpochBook {
    /** What an epoch's monitored value means for the loop. */
    enum Verdict { IMPROVED, GO_ON, STOP }

    private final Map<String, Object> training;
    private final boolean maximize;
    private final int patience;
    double best;
    int bestEpoch = -1;
    int sinceBest;
    /** The learning rate in force: set by the schedule each epoch, lowered by reduce-on-plateau. */
    double lr;
    int plateau;
    double plateauBest = Double.POSITIVE_INFINITY;

    EpochBook(Map<String, Object> training, double baseLr) {
        this.training = training;
        String monitor = (String) training.get("monitor");
        this.maximize = monitor.equals("val_accuracy") || monitor.equals("val_composite");
        this.patience = (Integer) training.get("patience");
        this.lr = baseLr;
        restartBest();
    }

    /** Forgets the best value (a multi-task stage that optimises another objective). */
    void restartBest() {
        best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        sinceBest = 0;
    }

    void resume(Checkpoint.Loop l) {
        best = l.best();
        bestEpoch = l.bestEpoch();
        sinceBest = l.sinceBest();
        lr = l.lr();
        plateau = l.plateau();
        plateauBest = l.plateauBest();
    }

    /**
     * Records epoch {@code epoch}'s monitored value and validation loss.
     *
     * @param noBestYet no weights kept so far: this epoch's are kept whatever its value
     */
    Verdict observe(int epoch, double monitored, double valLoss, boolean noBestYet) {
        boolean better = maximize ? monitored > best : monitored < best;
        Verdict v = Verdict.GO_ON;
        if (better || noBestYet) {
            best = monitored;
            bestEpoch = epoch;
            sinceBest = 0;
            v = Verdict.IMPROVED;
        } else if (patience > 0 && ++sinceBest >= patience) {
            return Verdict.STOP;
        }
        if ("plateau".equals(training.get("schedule"))) {
            if (valLoss < plateauBest) {
                plateauBest = valLoss;
                plateau = 0;
            } else if (++plateau >= (Integer) training.get("scheduleStep")) {
                lr *= (Double) training.get("scheduleGamma");
                plateau = 0;
            }
        }
        return v;
    }

    /** The loop's state for a checkpoint after epoch {@code nextEpoch - 1}. */
    Checkpoint.Loop loop(String key, int nextEpoch, List<TrainingResult.Epoch> curves) {
        return new Checkpoint.Loop(Checkpoint.VERSION, key, nextEpoch, best, bestEpoch, sinceBest, lr, plateau,
                plateauBest, curves, null, null);
    }
}
