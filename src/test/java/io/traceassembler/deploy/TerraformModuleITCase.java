package io.traceassembler.deploy;

import io.traceassembler.config.OptionGroup;
import io.traceassembler.config.TraceAssemblerConfig;

import org.apache.flink.configuration.ConfigOption;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checks the Terraform module in {@code terraform/} without a terraform binary: {@code
 * scripts/terraform-check/check.mjs} parses every file with HashiCorp's HCL parser and verifies
 * references and descriptions. Needs Node.js; installs the checker's locked dependencies with
 * {@code npm ci} when {@code node_modules} is missing.
 */
class TerraformModuleITCase {

    private static final Path PROJECT = Paths.get("").toAbsolutePath();
    private static final Path CHECKER = PROJECT.resolve("scripts/terraform-check");
    private static final Path MODULE = PROJECT.resolve("terraform");
    private static final String SUMMARY =
            "terraform check: \\d+ files, \\d+ variables, \\d+ resources, 0 problems.*";

    private static String node;

    @BeforeAll
    static void installChecker() throws Exception {
        node = executable("node");
        assumeTrue(node != null, "node is not on the PATH; the Terraform check needs Node.js");
        assertThat(CHECKER.resolve("package-lock.json")).exists();
        if (!Files.isDirectory(CHECKER.resolve("node_modules/@cdktf/hcl2json"))) {
            String npm = executable("npm");
            assumeTrue(npm != null, "npm is not on the PATH");
            Result ci = run(CHECKER, 300, npm, "ci", "--no-audit", "--no-fund");
            assertThat(ci.exitCode).as("npm ci in %s:%n%s", CHECKER, ci.output).isZero();
        }
    }

    @Test
    void moduleParsesAndAllReferencesResolve() throws Exception {
        Result result = run(CHECKER, 120, node, "check.mjs", "../../terraform");

        assertThat(result.exitCode).as(result.output).isZero();
        assertThat(result.output.lines()).as(result.output).anyMatch(line -> line.matches(SUMMARY));
        assertThat(result.output).doesNotContain("ERROR");
    }

    @Test
    void moduleIsTerraformFormattedWhenTerraformIsAvailable() throws Exception {
        String terraform = executable("terraform");
        assumeTrue(terraform != null, "terraform is not on the PATH");
        // fmt needs no providers and no network.
        Result fmt = run(MODULE, 60, terraform, "fmt", "-check", "-recursive", "-no-color");
        assertThat(fmt.exitCode)
                .as("terraform fmt -check; files to reformat:%n%s", fmt.output)
                .isZero();
    }

    @Test
    void moduleHasTheExpectedShape() throws Exception {
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(MODULE)) {
            s.map(p -> p.getFileName().toString()).forEach(files::add);
        }
        assertThat(files)
                .contains("versions.tf", "variables.tf", "outputs.tf", "terraform.tfvars.example");

        String all = readAll(MODULE);
        assertThat(all).contains("runtime_environment    = \"FLINK-1_20\"");
        // Every runtime property group of docs/contracts.md, section 5, and never an emulator
        // endpoint.
        assertThat(all)
                .contains(
                        "SpanSource = ",
                        "TraceAssembly = {",
                        "Insights = {",
                        "TraceStore = {",
                        "InsightMetrics = {",
                        "DeadLetters = {");
        assertThat(all).doesNotContain("aws.endpoint\"  =", "\"aws.endpoint\" =");
        assertThat(all)
                .contains(
                        "\"by-root-service\"",
                        "\"by-insight\"",
                        "\"by-root-cause\"",
                        "attribute_name = \"expires_at\"");
        assertThat(all).contains("cloudwatch:namespace");
    }

    @Test
    void deployGuideListsEveryVariableAsDeclared() throws Exception {
        Result table =
                run(CHECKER, 120, node, "variables-table.mjs", "../../terraform/variables.tf");
        assertThat(table.exitCode).as(table.output).isZero();
        String guide = Files.readString(PROJECT.resolve("docs/deploy.md"));
        assertThat(guide)
                .as(
                        "docs/deploy.md's variables table (regenerate: cd scripts/terraform-check && "
                                + "node variables-table.mjs ../../terraform/variables.tf)")
                .contains("|---|---|---|---|\n" + table.output.strip() + "\n\n");
    }

    @Test
    void everyConfigurationKeyIsARuntimePropertyOfTheModule() throws Exception {
        // The job's declarations are the list: a key added to the job and forgotten here fails.
        String locals = Files.readString(MODULE.resolve("locals.tf"));
        for (OptionGroup group : TraceAssemblerConfig.GROUPS) {
            assertThat(locals).as("group " + group.id).containsPattern("\\b" + group.id + " = ");
            for (ConfigOption<?> option : group.options) {
                if (option.key().equals("aws.endpoint")) {
                    assertThat(locals).doesNotContain("\"aws.endpoint\"");
                } else {
                    assertThat(locals)
                            .as(group.id + "." + option.key())
                            .contains("\"" + option.key() + "\"");
                }
            }
        }
    }

    @Test
    void danglingVariableReferenceFailsTheCheck(@TempDir Path tmp) throws Exception {
        Path copy = tmp.resolve("terraform");
        copyTree(MODULE, copy);
        Path kinesis = copy.resolve("kinesis.tf");
        String tf = Files.readString(kinesis, StandardCharsets.UTF_8);
        tf =
                tf.replaceFirst(
                        "retention_period = var\\.span_stream_retention_hours",
                        "retention_period = var.nope");
        assertThat(tf).contains("var.nope");
        Files.writeString(kinesis, tf, StandardCharsets.UTF_8);

        Result result = run(CHECKER, 120, node, "check.mjs", copy.toString());

        assertThat(result.exitCode).as(result.output).isEqualTo(1);
        assertThat(result.output).contains("kinesis.tf", "var.nope");
        assertThat(result.output.lines())
                .anyMatch(
                        line ->
                                line.matches(
                                        "terraform check: \\d+ files, \\d+ variables, \\d+ resources, 1 problems.*"));
    }

    @Test
    void missingDescriptionAndUnparsableFileFailTheCheck(@TempDir Path tmp) throws Exception {
        Path copy = tmp.resolve("terraform");
        copyTree(MODULE, copy);
        Files.writeString(
                copy.resolve("extra.tf"),
                "variable \"undocumented\" {\n  type = string\n}\n",
                StandardCharsets.UTF_8);
        Files.writeString(
                copy.resolve("broken.tf"),
                "resource \"aws_s3_bucket\" {{\n",
                StandardCharsets.UTF_8);

        Result result = run(CHECKER, 120, node, "check.mjs", copy.toString());

        assertThat(result.exitCode).as(result.output).isEqualTo(1);
        assertThat(result.output)
                .contains("extra.tf: variable \"undocumented\" has no description");
        assertThat(result.output).contains("broken.tf: does not parse");
    }

    private static String readAll(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p :
                    (Iterable<Path>)
                            s.filter(p -> p.toString().endsWith(".tf")).sorted()::iterator) {
                sb.append(Files.readString(p, StandardCharsets.UTF_8)).append('\n');
            }
        }
        return sb.toString();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path rel = from.relativize(p);
                if (rel.toString().startsWith(".terraform")) {
                    continue;
                }
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The absolute path of an executable on the PATH, or null. */
    private static String executable(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.isFile() && f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    private static Result run(Path dir, long timeoutSeconds, String... command) throws Exception {
        Path log = Files.createTempFile("terraform-check", ".log");
        try {
            Process p =
                    new ProcessBuilder(Arrays.asList(command))
                            .directory(dir.toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(
                        String.join(" ", command)
                                + " did not finish in "
                                + timeoutSeconds
                                + " s:\n"
                                + Files.readString(log));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static final class Result {
        final int exitCode;
        final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }
}
