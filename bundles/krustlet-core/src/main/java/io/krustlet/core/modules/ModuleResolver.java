package io.krustlet.core.modules;

import io.krustlet.api.ModuleRef;
import io.krustlet.core.lifecycle.LaunchException;

/** Turns a container's image reference into a local, verified module. */
public interface ModuleResolver {

    /** The kubelet's waiting reason for an image that cannot be had. */
    String ERR_IMAGE_PULL = "ErrImagePull";

    ModuleRef resolve(String image) throws LaunchException;
}
