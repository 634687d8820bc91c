/**
 * The portable launcher on {@link java.lang.ProcessBuilder}: the same contract as the native one,
 * without resource limits, process groups or resource usage, which the JDK cannot give. Used where
 * the native launcher cannot load, and as the oracle the native one is tested against.
 */
package io.cgiguard.launch.jdk;
