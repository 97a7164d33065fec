package io.recommender.operator.gpu;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GPU nodes for training pods on EKS: when a GPU training pod waits for a node, finds the node group that can
 * run it and scales it up from zero (recording that in {@link ScaledGroupStore} before the call); once no
 * unfinished GPU training pod fits a group the operator scaled, sets it back to the size it had. Decisions are
 * {@link NodeGroupPlanner}'s; this class sequences the calls. One lock for all Recommenders: two trainings that
 * start together see each other's demand, and AWS is asked at most once per pod per wait ({@link #check} answers
 * from memory until the pod's next look is due, so status writes that trigger reconciles call nothing).
 */
public final class GpuCapacity {
    private static final Logger LOG = LoggerFactory.getLogger(GpuCapacity.class);
    /** How soon to look again: nodes on their way, and capacity that needs a person. */
    static final Duration SCALING_CHECK = Duration.ofSeconds(30);
    static final Duration WAITING_CHECK = Duration.ofMinutes(1);
    static final Duration NEEDS_ACTION_CHECK = Duration.ofMinutes(2);
    static final Duration MIN_BACKOFF = Duration.ofSeconds(15);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

    private final NodeGroupApi api;
    private final ScaledGroupStore store;
    private final Map<String, Looked> lastLook = new HashMap<>();
    private int failures;
    private Instant releaseDue = Instant.MIN;

    /** @param api null when not on EKS: nothing is scaled, a waiting pod is reported as the scheduler sees it */
    public GpuCapacity(NodeGroupApi api, ScaledGroupStore store) {
        this.api = api;
        this.store = store;
    }

    public static GpuCapacity disabled() {
        return new GpuCapacity(null, null);
    }

    public boolean enabled() {
        return api != null;
    }

    /** The condition to report and when to look again. */
    public record Outcome(GpuState state, Instant wakeUp) {}

    private record Looked(Outcome outcome, Instant until) {}

    /** A consecutive failure's wait: 15 s, doubling, at most 10 min. */
    static Duration backoff(int failures) {
        long seconds = MIN_BACKOFF.getSeconds() << Math.min(Math.max(failures - 1, 0), 10);
        return seconds > MAX_BACKOFF.getSeconds() ? MAX_BACKOFF : Duration.ofSeconds(seconds);
    }

    /**
     * For a GPU training pod that is not scheduled.
     *
     * @param unschedulable the scheduler's reason it finds no node, or null (not tried yet)
     * @param active every unfinished GPU training pod the operator knows of
     */
    public synchronized Outcome check(KubernetesClient client, GpuPod pod, String unschedulable, List<GpuPod> active,
            Instant now) {
        if (api == null) {
            GpuState s = unschedulable != null ? new GpuState("False", GpuState.UNSCHEDULABLE, unschedulable)
                    : new GpuState("Unknown", GpuState.AWAITING_NODE, "waiting for the scheduler to place the GPU "
                            + "training pod");
            return new Outcome(s, now.plus(WAITING_CHECK));
        }
        Looked looked = lastLook.get(pod.job());
        if (looked != null && now.isBefore(looked.until())) {
            return looked.outcome();
        }
        Outcome o = look(client, pod, unschedulable, active, now);
        lastLook.put(pod.job(), new Looked(o, o.wakeUp()));
        return o;
    }

    private Outcome look(KubernetesClient client, GpuPod pod, String unschedulable, List<GpuPod> active, Instant now) {
        String scheduler = unschedulable == null ? "" : "; scheduler: " + unschedulable;
        try {
            List<NodeGroupPlanner.ScaledGroup> scaled = store.load(client);
            Set<String> ours = scaled.stream().map(s -> s.group().name()).collect(Collectors.toSet());
            NodeGroupPlanner.Decision d = NodeGroupPlanner.scaleUp(api.cluster(), pod, api.nodeGroups(), active, ours);
            Outcome o;
            if (d instanceof NodeGroupPlanner.ScaleUp up) {
                o = scaleUp(client, scaled, up, now);
            } else if (d instanceof NodeGroupPlanner.Waiting) {
                o = new Outcome(new GpuState("False", GpuState.SCALING_UP, d.message()), now.plus(SCALING_CHECK));
            } else if (d instanceof NodeGroupPlanner.Available) {
                o = new Outcome(new GpuState("True", GpuState.AVAILABLE, d.message() + scheduler),
                        now.plus(WAITING_CHECK));
            } else {
                o = new Outcome(new GpuState("False", d instanceof NodeGroupPlanner.NoGroup ? GpuState.NO_GROUP
                        : GpuState.AT_MAXIMUM, d.message() + scheduler), now.plus(NEEDS_ACTION_CHECK));
            }
            failures = 0;
            return o;
        } catch (NodeGroupException e) {
            failures++;
            Instant next = now.plus(backoff(failures));
            LOG.warn("GPU capacity for {}: {}: {}; next look at {}", pod.job(), e.reason(), e.getMessage(), next);
            boolean person = NodeGroupException.ACCESS_DENIED.equals(e.reason())
                    || NodeGroupException.NOT_FOUND.equals(e.reason());
            return new Outcome(new GpuState(person ? "False" : "Unknown", e.reason(), e.getMessage()
                    + "; next attempt at " + next), next);
        }
    }

    /** Records the group first: an operator that dies after the call still scales it back. */
    private Outcome scaleUp(KubernetesClient client, List<NodeGroupPlanner.ScaledGroup> scaled,
            NodeGroupPlanner.ScaleUp up, Instant now) throws NodeGroupException {
        String name = up.group().name();
        NodeGroupPlanner.ScaledGroup before = scaled.stream().filter(s -> s.group().name().equals(name)).findFirst()
                .orElse(null);
        List<NodeGroupPlanner.ScaledGroup> next = new ArrayList<>(scaled);
        next.remove(before);
        next.add(new NodeGroupPlanner.ScaledGroup(up.group().withDesiredSize(up.to()),
                before == null ? up.group().desiredSize() : before.restoreTo(), up.to()));
        store.save(client, next);
        try {
            api.setDesiredSize(name, up.to());
        } catch (NodeGroupException e) {
            // Unchanged: forget it again, unless an earlier scaling of ours is still recorded.
            List<NodeGroupPlanner.ScaledGroup> undo = new ArrayList<>(scaled);
            store.save(client, undo);
            throw e;
        }
        LOG.info("scaled EKS node group {} of cluster {} from {} to {} for GPU training", name, api.cluster(),
                up.group().desiredSize(), up.to());
        return new Outcome(new GpuState("False", GpuState.SCALING_UP, up.message()), now.plus(SCALING_CHECK));
    }

    /**
     * Scales back every group the operator scaled up that no unfinished GPU training pod fits. Cheap when there is
     * nothing to do (memory only); returns when to try again after a failed call, or null.
     */
    public synchronized Instant release(KubernetesClient client, List<GpuPod> active, Instant now) {
        if (api == null) {
            return null;
        }
        Set<String> jobs = active.stream().map(GpuPod::job).collect(Collectors.toSet());
        lastLook.keySet().retainAll(jobs);
        List<NodeGroupPlanner.ScaledGroup> scaled = store.load(client);
        List<NodeGroupPlanner.ScaledGroup> due = NodeGroupPlanner.scaleDown(scaled, active);
        if (due.isEmpty()) {
            return null;
        }
        if (now.isBefore(releaseDue)) {
            return releaseDue;
        }
        List<NodeGroupPlanner.ScaledGroup> left = new ArrayList<>(scaled);
        for (NodeGroupPlanner.ScaledGroup s : due) {
            String name = s.group().name();
            try {
                NodeGroup current = api.nodeGroup(name);
                if (current.desiredSize() == s.scaledTo()) {
                    api.setDesiredSize(name, s.restoreTo());
                    LOG.info("scaled EKS node group {} of cluster {} back from {} to {}: no GPU training needs it",
                            name, api.cluster(), s.scaledTo(), s.restoreTo());
                } else {
                    LOG.info("EKS node group {} of cluster {} left at {}: someone else changed it from the {} the "
                            + "operator set", name, api.cluster(), current.desiredSize(), s.scaledTo());
                }
            } catch (NodeGroupException e) {
                if (!NodeGroupException.NOT_FOUND.equals(e.reason())) {
                    failures++;
                    releaseDue = now.plus(backoff(failures));
                    LOG.warn("EKS node group {} not scaled back yet: {}: {}; next attempt at {}", name, e.reason(),
                            e.getMessage(), releaseDue);
                    return releaseDue;
                }
                LOG.info("EKS node group {} of cluster {} is gone; forgetting it", name, api.cluster());
            }
            left.remove(s);
            store.save(client, left);
        }
        failures = 0;
        return null;
    }
}
