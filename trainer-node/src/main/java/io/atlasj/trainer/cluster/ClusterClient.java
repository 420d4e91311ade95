package io.atlasj.trainer.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * What the CLI does on a client node: submit a WorkSpec and follow it to the end, or ask for the cluster's status.
 * The client asks again (submit until accepted, follow every few seconds) so that a coordinator that restarts or moves
 * in the middle of a run keeps it informed; both messages are idempotent.
 */
public final class ClusterClient {
    private static final Duration AGAIN = Duration.ofSeconds(3);

    /** Progress as it arrives; called on an actor thread, keep it short. */
    public interface Listener {
        default void accepted(ClientEvent.Accepted a) {
        }

        default void progress(ClientEvent.Progress p) {
        }

        /** Nothing has come from the coordinator for {@code seconds} (it may be restarting or moving). */
        default void silent(long seconds) {
        }
    }

    /** After this long without a word from the coordinator, and as often again, the listener hears of it. */
    public static final Duration SILENCE = Duration.ofSeconds(30);

    private ClusterClient() {
    }

    private record Again() implements ClientEvent {
    }

    /** A finished run with its table. */
    public record Finished(ClientEvent.RunFinished end, java.util.List<ClientEvent.Line> lines) {
    }

    /**
     * Submits {@code selfContainedYaml} and waits for the run to finish.
     *
     * @throws IllegalStateException with the coordinator's reason when the run cannot start, or when it does not
     *                               finish within {@code timeout}
     */
    public static Finished run(AtlasNode node, String workspec, String selfContainedYaml,
                                              Listener listener, Duration timeout) throws InterruptedException {
        CompletableFuture<ClientEvent> end = new CompletableFuture<>();
        java.util.List<ClientEvent.Line> lines = new java.util.ArrayList<>();
        ActorRef<Coordinator.Command> coordinator = node.coordinator();
        Behavior<ClientEvent> follower = Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            String[] runId = {null};
            long[] heard = {System.currentTimeMillis(), 0};
            coordinator.tell(new Coordinator.Submit(workspec, selfContainedYaml, ctx.getSelf()));
            timers.startTimerWithFixedDelay(new Again(), AGAIN);
            return Behaviors.receive(ClientEvent.class)
                    .onMessage(Again.class, a -> {
                        long now = System.currentTimeMillis();
                        if (now - heard[0] >= SILENCE.toMillis() && now - Math.max(heard[0], heard[1]) >= SILENCE.toMillis()) {
                            heard[1] = now;
                            listener.silent((now - heard[0]) / 1000);
                        }
                        coordinator.tell(runId[0] == null
                                ? new Coordinator.Submit(workspec, selfContainedYaml, ctx.getSelf())
                                : new Coordinator.Follow(runId[0], ctx.getSelf()));
                        return Behaviors.same();
                    })
                    .onMessage(ClientEvent.Accepted.class, a -> {
                        heard[0] = System.currentTimeMillis();
                        if (runId[0] == null) {
                            runId[0] = a.runId();
                            listener.accepted(a);
                        }
                        return Behaviors.same();
                    })
                    .onMessage(ClientEvent.Progress.class, p -> {
                        heard[0] = System.currentTimeMillis();
                        listener.progress(p);
                        return Behaviors.same();
                    })
                    .onMessage(ClientEvent.RunLines.class, l -> {
                        heard[0] = System.currentTimeMillis();
                        synchronized (lines) {
                            lines.addAll(l.lines());
                        }
                        return Behaviors.same();
                    })
                    .onMessage(ClientEvent.RunFinished.class, f -> {
                        synchronized (lines) {
                            if (lines.size() < f.lines()) {
                                // pages of an earlier answer (a resent Follow) mixed in: ask once more
                                lines.clear();
                                coordinator.tell(new Coordinator.Follow(f.runId(), ctx.getSelf()));
                                return Behaviors.same();
                            }
                            if (lines.size() > f.lines()) {
                                java.util.Map<String, ClientEvent.Line> last = new java.util.LinkedHashMap<>();
                                lines.forEach(x -> last.put(x.key(), x));
                                lines.clear();
                                lines.addAll(last.values());
                            }
                        }
                        end.complete(f);
                        return Behaviors.stopped();
                    })
                    .onMessage(ClientEvent.SubmitFailed.class, f -> {
                        end.complete(f);
                        return Behaviors.stopped();
                    })
                    .build();
        }));
        node.system().systemActorOf(follower, "client-" + System.nanoTime(), Props.empty());
        ClientEvent e;
        try {
            e = end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException ex) {
            throw new IllegalStateException(ex.getCause());
        } catch (java.util.concurrent.TimeoutException ex) {
            throw new IllegalStateException("the run did not finish within " + timeout.toMinutes() + " min; it goes on "
                    + "in the cluster: follow it again with the same command and --resume");
        }
        if (e instanceof ClientEvent.SubmitFailed f) {
            throw new IllegalStateException(f.message());
        }
        synchronized (lines) {
            return new Finished((ClientEvent.RunFinished) e, java.util.List.copyOf(lines));
        }
    }

    /** The coordinator's view of the cluster. */
    public static ClientEvent.Status status(AtlasNode node, Duration timeout) {
        try {
            return (ClientEvent.Status) AskPattern.<Coordinator.Command, ClientEvent>ask(node.coordinator(),
                    Coordinator.GetStatus::new, timeout, node.system().scheduler()).toCompletableFuture()
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (Exception e) {
            throw new IllegalStateException("no answer from the coordinator within " + timeout.toSeconds()
                    + " s: is a coordinator running in this cluster?", e);
        }
    }
}
