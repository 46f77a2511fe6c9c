package io.krustlet.itests.e2e;

import static org.junit.Assert.assertTrue;

import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import org.junit.Test;

/** Arguments and environment as a module sees them: values, the downward API, ConfigMaps and Secrets. */
public class EnvE2E extends E2ESupport {

    @Test
    public void argsAndEnvironmentReachTheModule() {
        String name = unique("env");
        String cm = unique("env-cm");
        String secret = unique("env-secret");
        create(configMap(cm).addToData("colour", "blue").addToData("size", "large").build());
        create(secret(secret).addToStringData("password", "s3cr3t-value").build());

        create(pod(name).editSpec().addToContainers(testmod("main",
                        "args", "env", "GREETING", "env", "POD_NAME", "env", "POD_NAMESPACE", "env", "NODE_NAME",
                        "env", "FROM_CONFIGMAP", "env", "FROM_SECRET", "env", "COMBINED", "env", "CM_size",
                        "env", "NOT_SET", "print", "expanded:$(GREETING)")
                .withEnv(new EnvVarBuilder().withName("GREETING").withValue("hello world").build(),
                        new EnvVarBuilder().withName("POD_NAME").withNewValueFrom().withNewFieldRef()
                                .withFieldPath("metadata.name").endFieldRef().endValueFrom().build(),
                        new EnvVarBuilder().withName("POD_NAMESPACE").withNewValueFrom().withNewFieldRef()
                                .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build(),
                        new EnvVarBuilder().withName("NODE_NAME").withNewValueFrom().withNewFieldRef()
                                .withFieldPath("spec.nodeName").endFieldRef().endValueFrom().build(),
                        new EnvVarBuilder().withName("FROM_CONFIGMAP").withNewValueFrom().withNewConfigMapKeyRef()
                                .withName(cm).withKey("colour").endConfigMapKeyRef().endValueFrom().build(),
                        new EnvVarBuilder().withName("FROM_SECRET").withNewValueFrom().withNewSecretKeyRef()
                                .withName(secret).withKey("password").endSecretKeyRef().endValueFrom().build(),
                        new EnvVarBuilder().withName("COMBINED").withValue("$(GREETING) from $(POD_NAME)").build())
                .addNewEnvFrom().withPrefix("CM_").withNewConfigMapRef().withName(cm).endConfigMapRef().endEnvFrom()
                .build()).endSpec().build());

        awaitPhase(name, "Succeeded");
        String log = awaitLog(name, "main", "show the arguments and environment", l -> l.contains("expanded:"));
        for (String expected : new String[] {
            "argv[0]=main\n", "argv[1]=args\n", "argv[2]=env\n", "argv[3]=GREETING\n",
            "GREETING=hello world\n",
            "POD_NAME=" + name + "\n",
            "POD_NAMESPACE=" + NAMESPACE + "\n",
            "NODE_NAME=" + nodeName + "\n",
            "FROM_CONFIGMAP=blue\n",
            "FROM_SECRET=s3cr3t-value\n",
            "COMBINED=hello world from " + name + "\n",
            "CM_size=large\n",
            "NOT_SET unset\n",
            "expanded:hello world\n"}) {
            assertTrue("the log holds \"" + expected.strip() + "\":\n" + log + describe(name), log.contains(expected));
        }
    }

    @Test
    public void commandReplacesArgvZeroAndArgsFollowIt() {
        String name = unique("command");
        create(pod(name).editSpec().addToContainers(testmod("main")
                .withCommand("testmod.wasm", "print", "from-command").withArgs("args").build()).endSpec().build());
        awaitPhase(name, "Succeeded");
        String log = awaitLog(name, "main", "show argv", l -> l.contains("argv[3]="));
        assertTrue(log + describe(name), log.startsWith(lines("from-command", "argv[0]=testmod.wasm",
                "argv[1]=print", "argv[2]=from-command", "argv[3]=args")));
    }
}
