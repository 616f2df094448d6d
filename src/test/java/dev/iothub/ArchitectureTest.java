package dev.iothub;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layers of the code, bottom to top (the README's map shows them): API types; leaf domain
 * packages; the registry; the rendering of a hub's objects; the failover operation; configuration;
 * the controllers; and above them the command line, the embedded server and the playground. A layer
 * may use the layers below it, never one above, and no two packages depend on each other.
 */
class ArchitectureTest {
  static final JavaClasses PRODUCTION =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.iothub");

  @Test
  void noPackageCycles() {
    slices().matching("dev.iothub.(**)").should().beFreeOfCycles().check(PRODUCTION);
  }

  @Test
  void layersDependOnlyDownwards() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("api")
        .definedBy("dev.iothub.api..")
        .layer("leaves")
        .definedBy(
            "dev.iothub.operator.region..",
            "dev.iothub.operator.status..",
            "dev.iothub.operator.broker..",
            "dev.iothub.operator.metrics..",
            "dev.iothub.operator.objects..")
        .layer("registry")
        .definedBy("dev.iothub.operator.registry..")
        .layer("hub")
        .definedBy("dev.iothub.operator.hub..")
        .layer("peer")
        .definedBy("dev.iothub.operator.peer..")
        .layer("failover")
        .definedBy("dev.iothub.operator.failover..")
        .layer("config")
        .definedBy("dev.iothub.operator.config..")
        .layer("controllers")
        .definedBy("dev.iothub.operator.controller..")
        .layer("tools")
        .definedBy("dev.iothub.cli..", "dev.iothub.embedded..", "dev.iothub.playground..")
        .whereLayer("tools")
        .mayOnlyBeAccessedByLayers("tools")
        .whereLayer("controllers")
        .mayOnlyBeAccessedByLayers("tools")
        .whereLayer("config")
        .mayOnlyBeAccessedByLayers("controllers", "tools")
        .whereLayer("failover")
        .mayOnlyBeAccessedByLayers("config", "controllers", "tools")
        .whereLayer("peer")
        .mayOnlyBeAccessedByLayers("failover", "config", "controllers", "tools")
        .whereLayer("hub")
        .mayOnlyBeAccessedByLayers("failover", "config", "controllers", "tools")
        .whereLayer("registry")
        .mayOnlyBeAccessedByLayers("hub", "peer", "failover", "config", "controllers", "tools")
        .whereLayer("leaves")
        .mayOnlyBeAccessedByLayers(
            "registry", "hub", "peer", "failover", "config", "controllers", "tools")
        .check(PRODUCTION);
  }

  @Test
  void productionCodeNeverUsesThePlaygroundOrTheEmbeddedServer() {
    com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
        .that()
        .resideInAPackage("dev.iothub.operator..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.iothub.playground..", "dev.iothub.embedded..", "dev.iothub.cli..")
        .check(PRODUCTION);
  }
}
