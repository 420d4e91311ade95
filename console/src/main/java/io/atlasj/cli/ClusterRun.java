package io.atlasj.cli;

import io.atlasj.home.AtlasHome;
import io.atlasj.trainer.cluster.AtlasNode;
import io.atlasj.trainer.cluster.ClientEvent;
import io.atlasj.trainer.cluster.ClusterClient;
import io.atlasj.trainer.local.LocalRunner;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkSpecYaml;
import io.atlasj.workspec.results.ResultsIo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code atlas run --local-cluster N} and {@code --cluster HOST:PORT}: submit, follow with live progress, print the table. */
final class ClusterRun {
    private final AtlasHome home;
    private final PrintWriter out;

    ClusterRun(AtlasHome home, PrintWriter out) {
        this.home = home;
        this.out = out;
    }

    /** @param dashboardPort {@code --local-cluster}: the port its coordinator serves the dashboard on, or null */
    int run(WorkSpec ws, List<ModelSpec> models, Integer localTrainers, String seed, Integer slots, Path tls,
            Integer dashboardPort) throws Exception {
        long t0 = System.nanoTime();
        String yaml = WorkSpecYaml.writeSelfContained(ws);
        Duration limit = ws.execution().timeLimit().multipliedBy(Math.max(1, models.size()));
        if (localTrainers != null) {
            if (localTrainers < 1) {
                throw new UserException("--local-cluster needs at least 1 trainer, got " + localTrainers);
            }
            int perTrainer = slots == null ? 1 : slots;
            if (perTrainer < 1) {
                throw new UserException("--slots must be at least 1, got " + perTrainer);
            }
            out.printf("%s: %d models; starting a local cluster: coordinator, harvester, %d trainer(s) x %d slot(s); "
                    + "logs under %s%n", ws.name(), models.size(), localTrainers, perTrainer,
                    home.root().resolve("logs/local-cluster"));
            out.flush();
            List<String> coordinator = dashboardPort == null ? List.of()
                    : List.of("--dashboard-port", String.valueOf(dashboardPort));
            if (dashboardPort != null) {
                out.printf("dashboard: http://127.0.0.1:%d/ (served by the coordinator until the run ends)%n",
                        dashboardPort);
            }
            try (LocalCluster cluster = LocalCluster.start(home, localTrainers, perTrainer, List.of(), coordinator);
                 AtlasNode client = Clients.join(home, cluster.seed(), null)) {
                return follow(client, ws, models, yaml, limit, t0, cluster, localTrainers * perTrainer);
            }
        }
        try (AtlasNode client = Clients.join(home, seed, tls)) {
            out.printf("%s: %d models submitted to the cluster at %s%n", ws.name(), models.size(), seed);
            out.flush();
            return follow(client, ws, models, yaml, limit, t0, null, 0);
        }
    }

    private int follow(AtlasNode client, WorkSpec ws, List<ModelSpec> models, String yaml, Duration limit, long t0,
                       LocalCluster cluster, int slots) throws InterruptedException {
        ClusterClient.Finished f = ClusterClient.run(client, ws.name(), yaml, new ClusterClient.Listener() {
            int lastDone = -1;

            @Override
            public void accepted(ClientEvent.Accepted a) {
                out.printf("run %s accepted: %d keys, %d already in the results store%n", a.runId(), a.total(),
                        a.alreadyDone());
                out.flush();
            }

            @Override
            public void silent(long seconds) {
                out.printf("no word from the coordinator for %d s (it may be restarting); still waiting. Ctrl-C stops "
                        + "waiting, not the run: follow it again later with the same command.%n", seconds);
                out.flush();
            }

            @Override
            public void progress(ClientEvent.Progress p) {
                if (p.more() > 0) {
                    out.printf("... and %d more finished%n", p.more());
                }
                for (ClientEvent.Line l : p.finished()) {
                    out.printf(Locale.ROOT, "[%d/%d] %s %s %s %s%s%n", p.done() + p.failed(), p.total(), l.unit(), l.name(),
                            l.state().id(), l.headline() == null ? "" : l.headline(), l.node() == null ? "" : " on " + shortNode(l.node()));
                }
                if (p.done() + p.failed() != lastDone) {
                    lastDone = p.done() + p.failed();
                    out.printf("progress: %d done, %d failed, %d running, %d queued of %d%n", p.done(), p.failed(),
                            p.running(), p.queued(), p.total());
                }
                out.flush();
                if (cluster != null && !cluster.dead().isEmpty()) {
                    out.println("warning: cluster processes exited: " + cluster.dead());
                }
            }
        }, limit);
        Map<String, ModelSpec> byKey = new HashMap<>();
        models.forEach(m -> byKey.put(m.key(), m));
        List<List<String>> rows = new ArrayList<>();
        List<io.atlasj.workspec.results.ResultsObject> outcomes = new ArrayList<>();
        java.util.Set<String> baselineUnits = new java.util.HashSet<>();
        long failed = 0;
        long stopped = 0;
        for (ClientEvent.Line l : f.lines()) {
            ModelSpec m = byKey.get(l.key());
            failed += l.state() == io.atlasj.trainer.engine.KeyStatus.FAILED ? 1 : 0;
            stopped += l.state() == io.atlasj.trainer.engine.KeyStatus.STOPPED ? 1 : 0;
            String headline = l.headline() == null ? "" : l.headline();
            // a result file is read only where it is needed: one trained model per unit for the baselines, and a
            // model whose headline the coordinator did not have (finished before it restarted)
            boolean needed = m != null && (headline.isEmpty() || !baselineUnits.contains(m.unit()));
            var local = needed ? ResultsIo.complete(home.runs().resolve(ws.name()).resolve(m.unit()).resolve(l.key()))
                    : java.util.Optional.<io.atlasj.workspec.results.ResultsObject>empty();
            if (local.isPresent()) {
                var r = local.get();
                if (r.status().equals("done") && !r.folds().isEmpty() && baselineUnits.add(m.unit())) {
                    outcomes.add(r);
                }
                if (headline.isEmpty()) {
                    headline = RunCommand.metric(r);
                }
            }
            rows.add(List.of(l.unit(), l.name(), m == null ? "?" : m.type().id(), l.state().id(), String.valueOf(l.attempt()),
                    l.node() == null ? "" : shortNode(l.node()), headline,
                    l.millis() == null ? "" : String.format(Locale.ROOT, "%.1fs", l.millis() / 1000.0)));
        }
        out.print(Formats.table(List.of("UNIT", "MODEL", "TYPE", "STATUS", "ATTEMPTS", "NODE", "VALIDATION / TEST", "TIME"),
                rows));
        RunCommand.baselines(outcomes).forEach(out::println);
        out.printf(Locale.ROOT, "%d models: %s%d failed; run %s; %.1fs%n", f.lines().size(),
                stopped == 0 ? "" : stopped + " stopped early by their unit's search, ", failed, f.end().runId(),
                (System.nanoTime() - t0) / 1e9);
        ClientEvent.RunFinished end = f.end();
        if (end.dispatchP50Micros() >= 0 && end.millis() > 0) {
            long trainedMillis = f.lines().stream().filter(l -> l.millis() != null && !"harvester".equals(l.node()))
                    .mapToLong(ClientEvent.Line::millis).sum();
            out.printf(Locale.ROOT, "cluster: %.1f models/s from submission to the last result (%.1f from the first assignment); "
                    + "a slot's wait for work per model p50 %d us, p99 %d us (idle time before work existed included)%s%n", f.lines().size() / (end.millis() / 1000.0),
                    f.lines().size() / (Math.max(1, end.firstAssignmentToEndMillis()) / 1000.0), end.dispatchP50Micros(),
                    end.dispatchP99Micros(), slots > 0 ? String.format(Locale.ROOT, "; slot utilisation %.0f%% (training time "
                    + "/ (slots x run time))", 100.0 * trainedMillis / (slots * (double) end.millis())) : "");
        }
        out.flush();
        return 0;
    }

    /** {@code pekko://atlas@127.0.0.1:41234#-123} as {@code 127.0.0.1:41234}. */
    static String shortNode(String node) {
        String s = node.replaceFirst("^pekko://atlas@", "");
        int hash = s.indexOf('#');
        return hash < 0 ? s : s.substring(0, hash);
    }
}
