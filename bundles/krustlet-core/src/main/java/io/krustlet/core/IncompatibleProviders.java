package io.krustlet.core;

import io.krustlet.api.ContainerRuntime;
import io.krustlet.core.status.ProviderSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.resource.Namespace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds provider bundles that cannot start on this node because they need a newer provider API
 * than it has ({@code Import-Package: io.krustlet.api;version="[1.3,2)"} on a node with 1.2.0): the
 * framework leaves them Installed with a long resolution error; the node says it once, clearly,
 * and {@code krustlet:providers} lists them as Incompatible. Checked when a bundle is installed or
 * updated, and once at start for the bundles already there.
 */
final class IncompatibleProviders implements SynchronousBundleListener {

    private static final Logger LOG = LoggerFactory.getLogger(IncompatibleProviders.class);
    private static final String API_PACKAGE = ContainerRuntime.class.getPackageName();
    private static final Pattern RANGE = Pattern.compile("\\(version>=([^)]+)\\)(?:\\(!\\(version>=([^)]+)\\)\\))?");

    private final BundleContext context;
    private final Map<Long, ProviderSnapshot> incompatible = new ConcurrentHashMap<>();

    IncompatibleProviders(BundleContext context) {
        this.context = context;
    }

    void start() {
        context.addBundleListener(this);
        for (Bundle bundle : context.getBundles()) {
            check(bundle);
        }
    }

    void stop() {
        context.removeBundleListener(this);
    }

    /** The provider bundles that cannot start here, as {@code krustlet:providers} lists them. */
    List<ProviderSnapshot> snapshots() {
        return new ArrayList<>(incompatible.values());
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        switch (event.getType()) {
            case BundleEvent.INSTALLED, BundleEvent.UPDATED -> check(event.getBundle());
            case BundleEvent.UNINSTALLED, BundleEvent.RESOLVED -> incompatible.remove(event.getBundle().getBundleId());
            default -> { }
        }
    }

    private void check(Bundle bundle) {
        Optional<String> apiVersion = apiVersion();
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        // only an unresolved bundle can be one that needs more than this node has
        if (apiVersion.isEmpty() || revision == null || bundle.getState() != Bundle.INSTALLED) {
            incompatible.remove(bundle.getBundleId());
            return;
        }
        for (BundleRequirement requirement : revision.getDeclaredRequirements(BundleRevision.PACKAGE_NAMESPACE)) {
            String filter = requirement.getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE);
            if (filter == null || !filter.contains("(" + BundleRevision.PACKAGE_NAMESPACE + "=" + API_PACKAGE + ")")) {
                continue;
            }
            if (!satisfied(filter)) {
                report(bundle, filter, apiVersion.get());
                return;
            }
        }
        incompatible.remove(bundle.getBundleId());
    }

    private boolean satisfied(String filter) {
        try {
            var parsed = FrameworkUtil.createFilter(filter);
            return apiCapabilities().stream().anyMatch(c -> parsed.matches(c.getAttributes()));
        } catch (InvalidSyntaxException e) {
            return true; // not ours to judge
        }
    }

    private void report(Bundle bundle, String filter, String apiVersion) {
        String needs = needs(filter);
        String message = "needs " + API_PACKAGE + " " + needs + ", but this node has " + apiVersion;
        ProviderSnapshot previous = incompatible.put(bundle.getBundleId(), new ProviderSnapshot("", bundle.getBundleId(),
                String.valueOf(bundle.getSymbolicName()), bundle.getVersion().toString(), "", 0,
                ProviderSnapshot.INCOMPATIBLE, message));
        if (previous == null || !previous.bundleVersion().equals(bundle.getVersion().toString())) {
            LOG.error("Runtime provider bundle {} {} (bundle {}) cannot start: it {}; it serves nothing. Install a"
                    + " provider built for {} {} or older, or upgrade the node", bundle.getSymbolicName(),
                    bundle.getVersion(), bundle.getBundleId(), message, API_PACKAGE, apiVersion);
        }
    }

    /**
     * The version range of a package requirement's filter, as bnd writes it in the manifest and a
     * user reads it there: {@code (&(version>=1.3.0)(!(version>=2.0.0)))} is {@code [1.3,2)}.
     */
    static String needs(String filter) {
        Matcher m = RANGE.matcher(filter);
        if (!m.find()) {
            return filter;
        }
        return "[" + shortVersion(m.group(1)) + "," + (m.group(2) == null ? "∞" : shortVersion(m.group(2))) + ")";
    }

    /** {@code 1.3.0} as {@code 1.3}, {@code 2.0.0} as {@code 2}: the framework pads what the manifest said. */
    private static String shortVersion(String version) {
        String v = version;
        while (v.endsWith(".0")) {
            v = v.substring(0, v.length() - 2);
        }
        return v;
    }

    private List<BundleCapability> apiCapabilities() {
        Bundle api = FrameworkUtil.getBundle(ContainerRuntime.class);
        BundleWiring wiring = api == null ? null : api.adapt(BundleWiring.class);
        if (wiring == null) {
            return List.of();
        }
        return wiring.getCapabilities(BundleRevision.PACKAGE_NAMESPACE).stream()
                .filter(c -> API_PACKAGE.equals(c.getAttributes().get(BundleRevision.PACKAGE_NAMESPACE))).toList();
    }

    private Optional<String> apiVersion() {
        return apiCapabilities().stream().map(c -> String.valueOf(c.getAttributes().get("version"))).findFirst();
    }
}
