package io.atlasj.trainer.cluster;

import io.atlasj.harvester.ResultsStore;
import io.atlasj.home.AtlasHome;
import io.atlasj.harvester.Harvesting;
import io.atlasj.trainer.local.LocalRunner;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.results.Headline;
import io.atlasj.workspec.results.ResultsObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The harvester role: puts each finished key's result into the {@link ResultsStore} (idempotent by key, checksums
 * verified), fetching the files in chunks from the trainer's file server when they are not on this node's disk, and
 * combines ensembles once their members are in. Store work runs on one thread of its own, off the actor's dispatcher.
 */
public final class Harvester {
    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "atlas-harvester");
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Harvester.class);

    public sealed interface Command extends CborSerializable {
    }

    /**
     * Ingest the result of {@code key}, trained on {@code node} whose file server is {@code files}; with {@code files}
     * null, a probe: ingest it only if it is on this node's disk, else answer {@link #ABSENT}.
     */
    public record Harvest(String runId, String workspec, String unit, String key, String node,
                          ActorRef<FileServer.Command> files, ActorRef<Coordinator.Command> replyTo) implements Command {
    }

    /** Which keys of {@code workspec} already have results in the store: answered in pages of {@link #PAGE} keys. */
    public record Known(String runId, String workspec, ActorRef<Coordinator.Command> replyTo) implements Command {
    }

    /** Keys per {@link Coordinator.KnownReply} page: about 70 KiB, far below Artery's frame limit. */
    public static final int PAGE = 2000;

    /** Combine the ensemble {@code key} of the run from its members' results. */
    public record Combine(String runId, String specYaml, String key, ActorRef<Coordinator.Command> replyTo)
            implements Command {
    }

    private Harvester() {
    }

    public static Behavior<Command> create(AtlasHome home) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            ResultsStore store = ResultsStore.open(home.results(), home.runs());
            ExecutorService io = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "atlas-harvest");
                t.setDaemon(true);
                return t;
            });
            ActorSystem<?> system = ctx.getSystem();
            return Behaviors.receive(Command.class)
                    .onMessage(Harvest.class, h -> {
                        io.execute(() -> h.replyTo().tell(harvest(system, store, home, h)));
                        return Behaviors.same();
                    })
                    .onMessage(Known.class, k -> {
                        io.execute(() -> {
                            try {
                                List<String> present = store.rows(k.workspec()).stream().map(ResultsStore.Row::key)
                                        .toList();
                                for (int i = 0; i < present.size(); i += PAGE) {
                                    k.replyTo().tell(new Coordinator.KnownReply(k.runId(),
                                            present.subList(i, Math.min(present.size(), i + PAGE)), false));
                                }
                                k.replyTo().tell(new Coordinator.KnownReply(k.runId(), List.of(), true));
                            } catch (RuntimeException e) {
                                // unanswered: the coordinator asks again in a few seconds
                                LOG.error("cannot list the results of {} in the results store", k.workspec(), e);
                            }
                        });
                        return Behaviors.same();
                    })
                    .onMessage(Combine.class, c -> {
                        io.execute(() -> c.replyTo().tell(combine(store, home, c)));
                        return Behaviors.same();
                    })
                    .onSignal(PostStop.class, s -> {
                        io.shutdown();
                        store.close();
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    private static Coordinator.Harvested harvest(ActorSystem<?> system, ResultsStore store, AtlasHome home, Harvest h) {
        try {
            Path local = store.dir(h.workspec(), h.unit(), h.key());
            ResultsStore.Ingest in = store.ingest(local, h.node());
            if (h.files() == null && (in.outcome() == ResultsStore.Outcome.MISSING
                    || in.outcome() == ResultsStore.Outcome.CORRUPT)) {
                return new Coordinator.Harvested(h.runId(), h.key(), Coordinator.HarvestOutcome.ABSENT, null, in.detail());
            }
            if (in.outcome() == ResultsStore.Outcome.MISSING || in.outcome() == ResultsStore.Outcome.CORRUPT) {
                // not (or not wholly) on this node's disk: fetch the folder from the trainer, then ingest the copy
                String rel = home.root().relativize(local).toString().replace('\\', '/');
                Path incoming = Files.createTempDirectory(home.runs(), "incoming-");
                try {
                    for (String name : FileServer.list(system, h.files(), rel, FETCH_TIMEOUT)) {
                        FileServer.fetch(system, h.files(), rel + "/" + name, incoming.resolve(name), FETCH_TIMEOUT);
                    }
                    in = store.ingest(incoming, h.node());
                } finally {
                    deleteTree(incoming);
                }
            }
            return switch (in.outcome()) {
                case INGESTED, PRESENT -> ingested(h.runId(), h.key(), in.result());
                default -> new Coordinator.Harvested(h.runId(), h.key(), Coordinator.HarvestOutcome.REFUSED, null,
                        in.detail());
            };
        } catch (Exception | Error e) {
            LOG.error("cannot harvest {} of run {}", h.key(), h.runId(), e);
            return new Coordinator.Harvested(h.runId(), h.key(), Coordinator.HarvestOutcome.REFUSED, null,
                    LocalRunner.describe(e));
        }
    }

    private static Coordinator.Harvested combine(ResultsStore store, AtlasHome home, Combine c) {
        try {
            ModelSpec e = Expander.expand(Coordinator.parse(c.specYaml()), true).stream()
                    .filter(m -> m.key().equals(c.key())).findFirst().orElseThrow(
                            () -> new IllegalStateException("no ensemble " + c.key() + " in the run's spec"));
            ResultsStore.Ingest in = new Harvesting(store).combine(e);
            if (in.outcome() != ResultsStore.Outcome.INGESTED && in.outcome() != ResultsStore.Outcome.PRESENT) {
                return new Coordinator.Harvested(c.runId(), c.key(), Coordinator.HarvestOutcome.REFUSED, null,
                        in.detail());
            }
            return ingested(c.runId(), c.key(), in.result());
        } catch (Exception | Error ex) {
            LOG.error("cannot combine ensemble {} of run {}", c.key(), c.runId(), ex);
            return new Coordinator.Harvested(c.runId(), c.key(), Coordinator.HarvestOutcome.REFUSED, null,
                    LocalRunner.describe(ex));
        }
    }

    private static Coordinator.Harvested ingested(String runId, String key, ResultsObject r) {
        Coordinator.HarvestOutcome o = switch (r.status()) {
            case "done" -> Coordinator.HarvestOutcome.DONE;
            case "stopped" -> Coordinator.HarvestOutcome.STOPPED;
            default -> Coordinator.HarvestOutcome.FAILED;
        };
        return new Coordinator.Harvested(runId, key, o, Headline.of(r), null);
    }

    private static void deleteTree(Path p) {
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        } catch (java.io.IOException ignored) {
            // a leftover temporary folder is harmless; the next harvest makes its own
        }
    }
}
