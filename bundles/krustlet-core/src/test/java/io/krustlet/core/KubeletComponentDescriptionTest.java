package io.krustlet.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

/**
 * The Declarative Services description bnd generates for the Kubelet component (read from the
 * build's output, as the framework reads it from the bundle) names an activate method DS cannot
 * mistake: Felix SCR picks among overloads of that name by its own rules, and once took
 * {@code activate(KubeletConfig)}, without the BundleContext, so the node never heard of
 * uninstalled or incompatible provider bundles.
 */
class KubeletComponentDescriptionTest {

    @Test
    void theActivateMethodIsTheOnlyOneOfItsNameAndTakesTheBundleContext() throws Exception {
        Path xml = Path.of("target/classes/OSGI-INF/io.krustlet.core.Kubelet.xml");
        assertThat(xml).as("bnd writes the component description while the classes are processed").exists();
        Matcher activate = Pattern.compile("\\sactivate=\"([^\"]+)\"").matcher(Files.readString(xml));
        assertThat(activate.find()).isTrue();
        List<Method> named = Arrays.stream(Kubelet.class.getDeclaredMethods())
                .filter(m -> m.getName().equals(activate.group(1))).toList();
        assertThat(named).singleElement().satisfies(
                m -> assertThat(m.getParameterTypes()).contains(BundleContext.class));
    }
}
