package io.atlasj.cli;

import io.atlasj.home.AtlasHome;
import io.atlasj.trainer.journal.RunJournal;
import io.atlasj.workspec.FeaturesetLocator;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkSpecYaml;
import java.util.Optional;

/**
 * The WorkSpec a WorkSpec's results were made with, when only its name is given ({@code atlas report quickstart},
 * {@code results("quickstart")} in the console): the newest run's spec as its journal recorded it, so that the
 * results are priced at that spec's costs and trading rules, as the dashboard prices them, and not at defaults.
 */
public final class RunSpecs {
    private RunSpecs() {
    }

    /** A run's spec: the run, its YAML (self-contained) and the spec read from it. */
    public record Recorded(String runId, String yaml, WorkSpec spec) {
    }

    /**
     * The newest journaled run of {@code workspec} in {@code home}; empty when there is none.
     *
     * @throws UserException when the journal's spec cannot be read (naming the journal and what to do instead)
     */
    public static Optional<Recorded> latest(AtlasHome home, String workspec) {
        Optional<RunJournal.RecordedSpec> r = RunJournal.latestSpec(home.journal(), workspec);
        if (r.isEmpty()) {
            return Optional.empty();
        }
        String source = "the WorkSpec recorded by run " + r.get().runId() + " in " + home.journal();
        try {
            return Optional.of(new Recorded(r.get().runId(), r.get().specYaml(),
                    WorkSpecYaml.readSubmitted(source, r.get().specYaml(), FeaturesetLocator.NONE)));
        } catch (RuntimeException e) {
            throw new UserException(source + " cannot be read (" + e.getMessage() + "); give the WorkSpec file "
                    + "instead of its name");
        }
    }
}
