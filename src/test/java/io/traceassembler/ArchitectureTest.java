package io.traceassembler;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

import java.util.regex.Pattern;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package layers, pointing down only; the job's packages follow the data's path.
 *
 * <pre>
 * tools (generate, local, bench, report, query) src/tools/java: never in the job jar
 * job (io.traceassembler)               entry point, commands, the wiring of sources, pipeline and sinks
 * ingest | assemble -> analyze | sink   the stages
 * aws                                   AWS client construction
 * config                                the typed configuration
 * model                                 the types every stage shares
 * </pre>
 */
@AnalyzeClasses(packages = "io.traceassembler", importOptions = ArchitectureTest.JobAndTools.class)
class ArchitectureTest {
    private static final String ROOT = "io.traceassembler";

    @ArchTest
    static final ArchRule layersPointDown =
            layeredArchitecture()
                    .consideringOnlyDependenciesInLayers()
                    .layer("Tools")
                    .definedBy(
                            ROOT + ".generate..",
                            ROOT + ".local..",
                            ROOT + ".bench..",
                            ROOT + ".report..",
                            ROOT + ".query..")
                    .layer("Job")
                    .definedBy(ROOT)
                    .layer("Ingest")
                    .definedBy(ROOT + ".ingest..")
                    .layer("Assemble")
                    .definedBy(ROOT + ".assemble..")
                    .layer("Analyze")
                    .definedBy(ROOT + ".analyze..")
                    .layer("Sink")
                    .definedBy(ROOT + ".sink..")
                    .layer("Aws")
                    .definedBy(ROOT + ".aws..")
                    .layer("Config")
                    .definedBy(ROOT + ".config..")
                    .layer("Model")
                    .definedBy(ROOT + ".model..")
                    .whereLayer("Tools")
                    .mayNotBeAccessedByAnyLayer()
                    .whereLayer("Job")
                    .mayOnlyBeAccessedByLayers("Tools")
                    .whereLayer("Ingest")
                    .mayOnlyBeAccessedByLayers("Job", "Tools")
                    .whereLayer("Assemble")
                    .mayOnlyBeAccessedByLayers("Job", "Tools")
                    .whereLayer("Analyze")
                    .mayOnlyBeAccessedByLayers("Assemble", "Job", "Tools")
                    .whereLayer("Sink")
                    .mayOnlyBeAccessedByLayers("Job", "Tools")
                    .whereLayer("Aws")
                    .mayOnlyBeAccessedByLayers("Ingest", "Sink", "Job", "Tools")
                    .whereLayer("Aws")
                    .mayOnlyAccessLayers("Config", "Model")
                    .whereLayer("Config")
                    .mayOnlyAccessLayers("Model")
                    .whereLayer("Model")
                    .mayNotAccessAnyLayer();

    /**
     * Every package, the entry point's included, is a slice; none may reach itself through another.
     */
    @ArchTest
    static final ArchRule noPackageCycles =
            slices().assignedFrom(
                            new SliceAssignment() {
                                @Override
                                public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                                    String pkg = javaClass.getPackageName();
                                    if (pkg.equals(ROOT)) {
                                        return SliceIdentifier.of("job");
                                    }
                                    if (pkg.startsWith(ROOT + ".")) {
                                        return SliceIdentifier.of(pkg.substring(ROOT.length() + 1));
                                    }
                                    return SliceIdentifier.ignore();
                                }

                                @Override
                                public String getDescription() {
                                    return "one slice per package of " + ROOT;
                                }
                            })
                    .should()
                    .beFreeOfCycles();

    /**
     * The job's classes (target/classes) and the tools' (compiled with the tests into
     * target/test-classes, and packaged from there into the tools jar by the same name patterns as
     * in pom.xml); the tests themselves are left out.
     */
    static final class JobAndTools implements ImportOption {
        private static final Pattern TOOL_CLASS =
                Pattern.compile(
                        ".*/io/traceassembler/(generate|local|bench|report|query)/(?!.*(Test|ITCase|Fixtures)(\\$.*)?\\.class$).*");

        @Override
        public boolean includes(Location location) {
            if (!location.contains("/test-classes/")) {
                return true;
            }
            return location.matches(TOOL_CLASS);
        }
    }
}
