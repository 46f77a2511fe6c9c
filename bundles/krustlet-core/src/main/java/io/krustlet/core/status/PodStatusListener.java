package io.krustlet.core.status;

import org.osgi.annotation.versioning.ConsumerType;

/** Told about every change of a pod's status, and about its removal. Keep it quick. */
@ConsumerType
public interface PodStatusListener {

    void statusChanged(PodSnapshot pod);

    default void podRemoved(PodSnapshot pod) {
    }
}
