/**
 * The pod lifecycle: one {@link io.krustlet.core.lifecycle.PodWorker} per pod, kept by
 * {@link io.krustlet.core.lifecycle.PodWorkers}. This comment is the machine; the code follows it.
 * Model: the comment at the top of the kubelet's {@code pkg/kubelet/pod_workers.go}.
 *
 * <h2>Threading</h2>
 * Every event of a pod is posted to the worker's {@code SerialQueue} and handled there, one at a
 * time, on whichever thread posted it while the queue was idle: the pod source (the static pod
 * folder's thread, or fabric8's informer thread), the timer thread (restart back-off, image pull
 * back-off), a launch thread (a launch's outcome), a provider's thread (a container's exit), the
 * OSGi thread that binds or unbinds a provider. The worker's state is touched only there; no lock
 * is held across a call into a provider. Calls into a provider from the queue never block:
 * {@code ContainerHandle.stop} returns at once. Launches ({@code ContainerLauncher.launch}:
 * volumes, environment, image pull, then {@code ContainerRuntime.start}, which may compile the
 * module) block, so they run on the node's launch executor and post their outcome back.
 * Statistics ({@code usage}) and snapshots are read from any thread.
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
 *   any but      stop (deletion, force delete)  STOPPING     containers killed, launches cancelled,
 *   STOPPING/                                                timers called off
 *   STOPPED      stopForShutdown                STOPPING     the same, judged as a node shutdown
 *                fail (Evicted,                 STOPPING     warning Event, phase Failed for good
 *                DeadlineExceeded)
 *   STOPPING     a shorter stop                 STOPPING     every container's stop re-sent with the
 *                                                            shorter grace period (force delete)
 *                last container gone            STOPPED      final status published, then the
 *                                                            stop completes
 * </pre>
 *
 * <h2>Container states ({@link io.krustlet.core.lifecycle.RunState}), per container</h2>
 * <pre>
 *   state             event                          next              API state shown
 *   WAITING_TURN      its turn, provider present     LAUNCHING         waiting ContainerCreating
 *                     its turn, no provider          AWAITING_RUNTIME  waiting RuntimeUnavailable
 *   AWAITING_RUNTIME  a provider of the runtime      LAUNCHING
 *   LAUNCHING         launched                       RUNNING           running
 *                     launched, pod stopping         KILLING           running (stop sent)
 *                     launched, provider gone        PREEMPTING        running (stop sent)
 *                     launch failed                  BACK_OFF          waiting with the failure's reason
 *                                                                      (ErrImagePull, then
 *                                                                      ImagePullBackOff after 1 s)
 *                     launch failed or cancelled,    HALTED            unchanged
 *                     pod stopping
 *   RUNNING           exit, restart rule says again  BACK_OFF          waiting CrashLoopBackOff,
 *                                                                      lastState = the exit
 *                     exit, restart rule says done   TERMINATED        terminated
 *                     provider leaving               PREEMPTING        running (stop sent)
 *                     pod stopping                   KILLING           running (stop sent)
 *   PREEMPTING        exit                           LAUNCHING or      lastState = the exit; no
 *                                                    AWAITING_RUNTIME  back-off, whatever the policy
 *                     pod stopping                   KILLING           (the pod's grace wins)
 *   KILLING           exit                           TERMINATED        terminated
 *   BACK_OFF          timer                          LAUNCHING
 *                     pod stopping                   HALTED            unchanged
 *   TERMINATED, HALTED: final.
 * </pre>
 * The restart rule ({@code RestartPolicy.restartsAfter(init, exitCode)}): an app container runs
 * again after any exit with Always, after a non-zero exit with OnFailure, never with Never; an
 * init container runs again until it succeeds, unless the policy is Never. Back-off is the
 * kubelet's (10 s doubling to 5 min, reset after 10 min of good running).
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
 * <h2>Deletion order</h2>
 * A stop first cancels what has not started (timers, launches: a launch's thread is interrupted,
 * which ends a hanging pull or API call at once), sends every running container its stop with the
 * grace period, and waits for their exits; a provider promises an exit within the grace period.
 * When nothing runs, the final status is published, then the worker's stop completes, and only
 * then does {@code PodWorkers} forget the pod: its volumes and logs are cleaned up, listeners hear
 * {@code podRemoved}, and in a cluster the pod object is deleted for good. A pod with the same
 * namespace and name waits until then, so two copies never run side by side.
 *
 * <h2>Node restart</h2>
 * A worker created with a prior status (the API server's, for a pod this node ran before it
 * restarted) resumes: completed init containers stay completed, restart counts go on, a container
 * that was running is gone, which counts as an exit (137, ContainerStatusUnknown), and the restart
 * rule decides whether it runs again. Finished pods are not run again.
 *
 * <h2>Provider swap</h2>
 * When a provider leaves (its bundle stopped, updated, refreshed or uninstalled), the registry
 * drops it first, so nothing new starts on it, then tells every worker: containers RUNNING on it
 * are stopped (PREEMPTING) with the pod's grace period and, once they exit, launched again on the
 * next provider of the runtime, or wait for one (RuntimeUnavailable). A launch under way on the
 * leaving provider completes and is stopped at once. A preempted run counts as a restart
 * (restartCount, lastState), without back-off. If the pod is deleted meanwhile, the deletion wins:
 * a PREEMPTING container becomes KILLING, its exit ends it for good (TERMINATED), and nothing is
 * started on the new provider; a launch already under way there is cancelled.
 */
package io.krustlet.core.lifecycle;
