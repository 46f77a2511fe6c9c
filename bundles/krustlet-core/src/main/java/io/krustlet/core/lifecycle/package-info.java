/**
 * The pod lifecycle: one {@link io.krustlet.core.lifecycle.PodWorker} per pod, kept by
 * {@link io.krustlet.core.lifecycle.PodWorkers}. This comment is the machine; the code follows it
 * (container transitions in {@code ContainerMachine}, the phase in {@code PodStatusDerivation}).
 * Model: the comment at the top of the kubelet's {@code pkg/kubelet/pod_workers.go}.
 *
 * <h2>Threading</h2>
 * Every event of a pod is a task posted to the worker's {@code SerialQueue}. A thread that posts to
 * an idle queue runs the task itself, then every task posted meanwhile, in order, until the queue
 * is empty; a thread that posts to a busy queue returns at once and its task runs on the thread
 * already running the queue. So a task may run on the pod source's thread (the static pod
 * folder's, or fabric8's informer thread), the timer thread (back-off, probes), a launch thread (a
 * launch's outcome), a provider's thread (a container's exit), or the OSGi thread that binds or
 * unbinds a provider; never two at once, and never nested. The worker's state is touched only
 * there, with no lock held across a call into a provider. Calls into a provider from the queue do
 * not block ({@code ContainerHandle.stop} returns at once; one that throws is logged, and the exit
 * is still awaited). Launches block (volumes, environment, image pull, then
 * {@code ContainerRuntime.start}, which may compile the module), so they run on the node's launch
 * executor and post their outcome back. Snapshots, {@code usage} and {@code containersOn} are read
 * from any thread.
 * <p>The final status is published by whichever thread runs the queue when the last container goes
 * (usually the provider thread that completed its exit; the stopping thread itself when nothing
 * ran). On that same thread the worker's {@code stopped} stage completes and {@code PodWorkers}
 * forgets the pod (volumes, logs, {@code podRemoved} listeners, a same-name pod waiting to start).
 * The API calls that follow run elsewhere, see "Deletion".
 *
 * <h2>Pod stages ({@link io.krustlet.core.lifecycle.PodStage})</h2>
 * <pre>
 *   stage        event                          next         what happens
 *   NEW          start                          INIT         first init container launched
 *                start (no init containers)     MAIN         every app container launched
 *                start (node restart: prior)    INIT/MAIN    resumed, see "Node restart"
 *   INIT         init container exits 0         INIT/MAIN    the next init container, or the apps
 *                init container fails, Never    INIT_FAILED  pod Failed; nothing else runs
 *                init container fails, else     INIT         it restarts after back-off
 *   MAIN         app container exits            MAIN         restart rule, per container
 *   any but      stop(grace)                    STOPPING     every container: "pod stopping" below
 *   STOPPING/    stopForShutdown(grace)         STOPPING     the same, and the phase is judged as a
 *   STOPPED                                                  node shutdown, see "Node shutdown"
 *                fail(reason): Evicted,         STOPPING     Event; reason and message at once, phase
 *                DeadlineExceeded                            Failed once no container runs (STOPPED)
 *   STOPPING     stop with a shorter grace      STOPPING     stop re-sent to every KILLING container
 *                                                            (the only ones holding a container now)
 *                                                            with it; it also applies to launches
 *                                                            that complete later (force delete)
 *                stop with an equal or longer   STOPPING     ignored: the earlier stop stands
 *                grace, stopForShutdown, fail
 *                last container gone            STOPPED      final status published, then the stop
 *                (none KILLING or LAUNCHING)                 completes
 * </pre>
 *
 * <h2>Container states ({@link io.krustlet.core.lifecycle.RunState}), per container</h2>
 * "pod stopping" is the pod entering STOPPING; "provider leaving/gone/back" are the registry's
 * providerRemoving, providerGone and providerAdded-with-predecessor (see "Provider swap"). A row
 * not listed leaves the container as it is.
 * <pre>
 *   state             event                          next              API state shown
 *   WAITING_TURN      its turn, provider present     LAUNCHING         waiting ContainerCreating
 *                     its turn, no provider          AWAITING_RUNTIME  waiting RuntimeUnavailable
 *                     pod stopping                   HALTED            waiting PodInitializing or
 *                                                                      ContainerCreating
 *   AWAITING_RUNTIME  a provider of its runtime      LAUNCHING         waiting ContainerCreating
 *                     (or its RuntimeClass now
 *                     resolves); no timeout
 *                     pod stopping                   HALTED            waiting RuntimeUnavailable
 *   LAUNCHING         launched                       RUNNING           running
 *                     launched, pod stopping         KILLING           running (stop sent, stop's grace)
 *                     launched, its provider left    PREEMPTING        running (stop sent, pod's
 *                                                                      terminationGracePeriod)
 *                     failed, its provider left      LAUNCHING or      a preemption: at once, no
 *                                                    AWAITING_RUNTIME  back-off, no Failed Event
 *                     failed                         BACK_OFF          waiting with the failure's reason
 *                                                                      (ErrImagePull, then
 *                                                                      ImagePullBackOff after 1 s)
 *                     pod stopping                   LAUNCHING         launch cancelled (interrupted)
 *                     failed or cancelled, pod       HALTED            waiting ContainerCreating (set
 *                     stopping                                         when the launch began)
 *   RUNNING           exit, restart rule: again      BACK_OFF          waiting CrashLoopBackOff,
 *                                                                      lastState = the exit
 *                     exit, restart rule: done       TERMINATED        terminated (the exit)
 *                     liveness fails                 RUNNING           stop sent (pod's grace); the exit
 *                                                                      then takes a row above
 *                     provider leaving, restart      PREEMPTING        running (stop sent, pod's grace)
 *                     provider leaving, carry-over   RUNNING           running: carried, see "Provider swap"
 *                     provider gone while carried    PREEMPTING        running (stop sent, pod's grace)
 *                     pod stopping                   KILLING           running (stop sent, stop's grace)
 *   PREEMPTING        exit                           LAUNCHING or      lastState = the exit, reason
 *                                                    AWAITING_RUNTIME  ProviderRemoved; no back-off
 *                     pod stopping                   KILLING           stop re-sent with the stop's grace
 *   KILLING           exit                           TERMINATED        terminated (the exit)
 *                     provider leaving/gone/back     KILLING           nothing: it waits for its exit
 *   BACK_OFF          timer                          LAUNCHING or      waiting ContainerCreating or
 *                                                    AWAITING_RUNTIME  RuntimeUnavailable
 *                     pod stopping                   HALTED            waiting CrashLoopBackOff,
 *                                                                      ErrImagePull... as it was
 *   TERMINATED, HALTED: final. The API state shown never goes back to a stale running.
 * </pre>
 * A stop sent twice (PREEMPTING, then KILLING) is not replaced: by the {@code ContainerHandle.stop}
 * contract each call promises the exit within its own grace period, so the earlier deadline holds.
 * "stop's grace" is the grace period of the pod's stop (see "Deletion"); "pod's grace" is its
 * {@code terminationGracePeriodSeconds}.
 * <p>restartCount is set when a run starts (0 for the first, then one more each time), so it grows
 * only when a container runs again; lastState is set only when an exit leads to another run
 * (BACK_OFF, PREEMPTING, node restart). An exit that ends a kill, a preempted container's included,
 * becomes the state (terminated) and leaves restartCount and lastState as they were.
 * <p>The restart rule ({@code RestartPolicy.restartsAfter(init, exitCode)}): an app container runs
 * again after any exit with Always, after a non-zero exit with OnFailure, never with Never; an
 * init container runs again until it succeeds, unless the policy is Never. It judges only the
 * container's own exits: a preemption restarts the container whatever its policy (Never included),
 * without back-off, because the container did not fail. Back-off is the kubelet's (10 s doubling to
 * 5 min, reset after 10 min of good running), shared by crashes and failed launches.
 *
 * <h2>Pod phase and readiness</h2>
 * The kubelet's {@code getPhase}: Pending while init runs or an app container has never run (a
 * waiting container without lastState); Running while one runs or, between two runs (BACK_OFF,
 * AWAITING_RUNTIME or LAUNCHING with a lastState), will run again; then Succeeded or Failed from the
 * terminated states. A container is ready only while running (and passing its readiness probe), so
 * a pod whose container waits for a provider is Running, Ready=False (ContainersNotReady). After a
 * stop (not a node shutdown) nothing runs again, so a pod with Always ends Succeeded or Failed too
 * (or Pending, if an app container never ran).
 *
 * <h2>Events (reason: when)</h2>
 * <pre>
 *   Pulling, Pulled                     a launch pulls (or finds) the image
 *   Created, Started                    LAUNCHING -> RUNNING, KILLING or PREEMPTING
 *   Failed (Warning)                    a launch failed (Error: reason), and ImagePullBackOff
 *   BackOff                             CrashLoopBackOff, and ImagePullBackOff (Back-off pulling image)
 *   Killing                             pod stopping: a RUNNING or PREEMPTING container is stopped;
 *                                       liveness failed; provider leaving (restart) or gone
 *                                       (carried), "...its runtime provider P is leaving the node"
 *   Unhealthy (Warning)                 a probe check failed
 *   RuntimeUnavailable (Warning)        a container starts waiting for a provider, unless its own
 *                                       provider just left (then the provider Events below say it)
 *   FailedCreatePodSandBox (Warning)    the pod's RuntimeClass does not resolve
 *   ProviderUpgraded, ProviderRestarted a container's departed provider is back as a successor (new
 *                                       version, or the same): "restarts on the new revision", or
 *                                       "was carried over"
 *   ProviderRemoved (Warning)           its departed provider is gone and the container waits
 *   Evicted (Warning), DeadlineExceeded fail(...)
 * </pre>
 * A container of a stopping pod gets no provider Event any more: it neither restarts nor waits.
 *
 * <h2>Probes</h2>
 * A RUNNING container's readiness and liveness probes ({@code httpGet}, {@code tcpSocket} against
 * the pod's IP) start after initialDelaySeconds and run every periodSeconds on the prober's threads;
 * each result comes back through the queue. Readiness: the container is {@code ready} (and the pod
 * Ready when all are) after successThreshold passes, not ready after failureThreshold failures;
 * without a readiness probe a running container is ready. Liveness: after failureThreshold failures
 * the container is stopped with the pod's grace period (Events Unhealthy, Killing) and its exit
 * goes through the restart rule like any other. Probes stop when the run leaves RUNNING.
 *
 * <h2>Deletion</h2>
 * Who stops a pod, and with which grace period:
 * <pre>
 *   API pod with a deletionTimestamp     its metadata.deletionGracePeriodSeconds (the deletion's: the
 *                                        DeleteOptions', or the API server's copy of
 *                                        terminationGracePeriodSeconds), 30 s when absent; a later
 *                                        update with 0 (force delete) is the "shorter stop"
 *   API pod gone from the API server     0 (it was force-deleted, or deleted while the watch was down)
 *   static pod manifest removed/changed  terminationGracePeriodSeconds
 *   eviction, activeDeadlineSeconds      terminationGracePeriodSeconds
 *   node shutdown                        terminationGracePeriodSeconds, at most 30 s
 * </pre>
 * A stop first cancels what has not started (timers, launches: a launch's thread is interrupted,
 * which ends a hanging pull or API call at once), sends every running container its stop, and
 * waits for their exits; a provider promises an exit within the grace period. When nothing runs,
 * the final status is published, the worker's stop completes, and {@code PodWorkers} forgets the
 * pod (volumes and logs removed, {@code podRemoved} heard) on that thread; a pod with the same
 * namespace and name waits until then, so two copies never run side by side. For an API pod the
 * node then waits until the status writer has written that final status, and deletes the object
 * with grace period 0 (uid checked), on the writer's thread (or the same thread when nothing was
 * left to write); a failed delete is retried at the pod's next informer update. A static pod's
 * mirror pod is deleted with grace 0 by {@code MirrorPods} on its own executor; deleting the mirror
 * through the API does not stop the static pod (its mirror is made again).
 * <p>The node never assumes an exit it has not seen: a KILLING container whose provider never
 * reports it (a provider breaking its contract, a departing revision included) keeps the pod in
 * STOPPING, Terminating in the API, with its same-name successor waiting, as the kubelet keeps a
 * pod whose runtime cannot confirm the kill. No timer ends it; a force delete only re-sends the
 * stop with 0. Only node shutdown is bounded: the node waits at most 35 s for all pods, then goes.
 *
 * <h2>Node restart</h2>
 * A worker created with a prior status (the API server's, for an API pod this node ran before it
 * restarted) resumes: conditions, startTime and restart counts go on; init containers that
 * completed in order stay completed (and none runs again once an app container has run). Nothing
 * survives the node, so a container shown running is gone, which counts as an exit (137, reason
 * ContainerStatusUnknown); a container shown terminated keeps its exit. For each, the restart rule
 * decides: again (lastState = that exit; launched at once, no CrashLoopBackOff, as the kubelet's
 * in-memory back-off also starts over), or TERMINATED. A container shown waiting is launched. Not
 * run at all: API pods whose phase is Succeeded or Failed (kept, their status and logs served,
 * until deleted) and API pods that already have a deletionTimestamp (their object is deleted at
 * once, grace 0). Static pods have no prior status: they start anew, restart count 0.
 *
 * <h2>Node shutdown</h2>
 * {@code stopForShutdown} stops the pod like a deletion, but the node will run it again when it
 * comes back, so its phase is judged as if its containers had just exited on their own: a pod
 * whose containers the restart rule would run again (Always; OnFailure after a failure) stays
 * Running, not ready, and only what would not run again ends Succeeded or Failed. That status is
 * the prior status of the next start. A pod already stopping for another reason stays as it was.
 *
 * <h2>Provider swap</h2>
 * When a provider leaves (its bundle stopped, updated, refreshed or uninstalled), the registry
 * drops it first, so nothing new starts on it, then tells the worker of every pod that is not
 * being removed (deleted, or its manifest gone); it remembers the provider for 30 s. A provider of
 * the same runtime from a bundle with the same symbolic name registering within that window is its
 * successor ("back": an upgrade, or a restart for the same version); otherwise, or when the bundle
 * is uninstalled, it is "gone". By the provider's {@code krustlet.upgrade}:
 * <ul>
 * <li>restart (default): a RUNNING container on it is PREEMPTING (stopped with the pod's grace);
 * after its exit it launches on the next provider of the runtime, or waits for one
 * (AWAITING_RUNTIME, RuntimeUnavailable without a warning), restartCount + 1 once it runs.
 * <li>carry-over: a RUNNING container stays RUNNING on the departing revision, which keeps its
 * handle working; when the successor arrives it belongs to the successor, so the successor's own
 * departure carries or restarts it again, and when its provider is gone it is stopped (PREEMPTING)
 * and then waits. When it ends by itself, the restart rule runs it again, on the successor.
 * </ul>
 * Either way, a launch under way on the leaving provider is judged by its outcome: launched, it is
 * stopped (PREEMPTING) and started again; refused, it is started again at once.
 * <p>When the pod is deleted during the upgrade, the deletion wins and nothing is started on the
 * successor: a PREEMPTING container becomes KILLING (stop re-sent with the deletion's grace), a
 * carried container becomes KILLING and is stopped through the departing revision's handle, a
 * waiting one is HALTED at once (RuntimeUnavailable shown, lastState ProviderRemoved), a launch on
 * the successor is cancelled. Deleted before the provider leaves, a container is KILLING already
 * and stays so: a restart provider's deactivation ends what still runs on it (the WASI provider
 * waits 5 s, then reports the rest as killed), a carry-over one's handle still stops it. Each
 * KILLING container's exit ends it for good (TERMINATED, no restartCount, no lastState), and the
 * pod then ends as in "Deletion". A pod being deleted no longer hears of providers at all, so a
 * departing revision that never reports the exit keeps the pod Terminating (see "Deletion"): there
 * is no fallback, by design.
 */
package io.krustlet.core.lifecycle;
