package io.atlasj.cli;

import io.atlasj.cli.dashboard.TensorBoardExport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code atlas export tensorboard RUN [--to DIR]}. */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Export what Atlas holds for other tools.",
        subcommands = {ExportCommand.TensorBoard.class})
final class ExportCommand {
    @ParentCommand
    AtlasCli atlas;

    @Command(name = "tensorboard", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Write a run's training curves as TensorBoard event files: a TensorBoard run per model "
                    + "(DIR/UNIT/MODEL), scalars foldK/train_loss and foldK/validation_loss per epoch. Then: "
                    + "tensorboard --logdir DIR. RUN is a run of the dashboard (a file under ATLAS_HOME/journal); "
                    + "without one, the runs are listed."})
    static final class TensorBoard implements Callable<Integer> {
        @ParentCommand
        ExportCommand export;
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "RUN", arity = "0..1", description = "The run (as atlas dashboard names it).")
        String run;
        @Option(names = "--to", paramLabel = "DIR", description = "Where (default: ATLAS_HOME/tensorboard/RUN).")
        Path to;

        @Override
        public Integer call() throws IOException {
            var home = export.atlas.home();
            PrintWriter out = spec.commandLine().getOut();
            if (run == null) {
                var runs = TensorBoardExport.runs(home);
                if (runs.isEmpty()) {
                    throw new UserException("no run journals under " + home.journal() + " yet (run a WorkSpec first)");
                }
                runs.forEach(out::println);
                return 0;
            }
            Path dir = to != null ? to : home.root().resolve("tensorboard").resolve(run);
            TensorBoardExport.Written w;
            try {
                w = TensorBoardExport.write(home, run, dir);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            out.printf(Locale.ROOT, "%d models, %,d scalars: %s%nthen: tensorboard --logdir %s%n", w.models(),
                    w.scalars(), w.dir().toAbsolutePath().normalize(), w.dir().toAbsolutePath().normalize());
            return 0;
        }
    }
}
