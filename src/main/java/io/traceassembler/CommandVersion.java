package io.traceassembler;

import picocli.CommandLine.IVersionProvider;

/**
 * What {@code --version} prints for every command of the project, the tools' included: the version
 * the build wrote into the job jar's manifest ({@code Implementation-Version}).
 */
public final class CommandVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = CommandVersion.class.getPackage().getImplementationVersion();
        return new String[] {
            "trace-assembler " + (version != null ? version : "(built from source)")
        };
    }
}
