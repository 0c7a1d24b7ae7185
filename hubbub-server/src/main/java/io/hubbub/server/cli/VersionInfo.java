package io.hubbub.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The version, from the resource Maven filters at build time ({@code io/hubbub/server/version.properties}),
 * falling back to the jar manifest. Serves both {@code hubbub version} and {@code hubbub --version}.
 */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version.")
public final class VersionInfo implements Callable<Integer>, CommandLine.IVersionProvider {
    @Spec
    CommandSpec spec;

    public static String version() {
        try (InputStream in = VersionInfo.class.getResourceAsStream("/io/hubbub/server/version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (!v.isBlank() && !v.contains("${")) return v;
            }
        } catch (IOException ignored) {
            // fall through to the manifest
        }
        String v = VersionInfo.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"hubbub " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")"};
    }

    @Override
    public Integer call() {
        for (String line : getVersion()) spec.commandLine().getOut().println(line);
        return HubbubCli.OK;
    }
}
