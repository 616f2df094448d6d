package dev.iothub.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * What the API server's authorizer says a ServiceAccount may do: one SubjectAccessReview per
 * question, the same question that {@code kubectl auth can-i VERB RESOURCE -n NS
 * --as=system:serviceaccount:NS:NAME} asks (with the groups the API server gives a ServiceAccount).
 *
 * <p>A question is written like a can-i line: {@code "VERB RESOURCE[.GROUP][/SUBRESOURCE][ NAME]
 * [-n NAMESPACE]"}, e.g. {@code "list secrets -n kube-system"}, {@code "update iothubs.iothub.dev/
 * status -n manlfailrg"}, {@code "get namespaces iothub-westus2"}, {@code "create
 * clusterrolebindings.rbac.authorization.k8s.io"}. Without {@code -n} the question is cluster-wide
 * (for a namespaced resource: in every namespace).
 */
final class AccessReview {
  private final RealCluster cluster;
  private final String namespace;
  private final String serviceAccount;

  AccessReview(RealCluster cluster, String namespace, String serviceAccount) {
    this.cluster = cluster;
    this.namespace = namespace;
    this.serviceAccount = serviceAccount;
  }

  String user() {
    return "system:serviceaccount:" + namespace + ":" + serviceAccount;
  }

  /** Whether the ServiceAccount may do this (SubjectAccessReview). */
  boolean allowed(String question) {
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(user())
            .withGroups(
                "system:serviceaccounts",
                "system:serviceaccounts:" + namespace,
                "system:authenticated")
            .withResourceAttributes(parse(question))
            .endSpec()
            .build();
    SubjectAccessReview answer =
        cluster.admin().authorization().v1().subjectAccessReview().create(review);
    return Boolean.TRUE.equals(answer.getStatus().getAllowed());
  }

  /**
   * Asks every question of both lists and fails with every wrong answer at once: what the account
   * must be able to do and cannot, and what it must not be able to do and can.
   */
  void assertPermissions(List<String> must, List<String> mustNot) {
    assertThat(must).isNotEmpty();
    assertThat(mustNot).isNotEmpty();
    List<String> wrong = new ArrayList<>();
    for (String q : must) {
      if (!allowed(q)) {
        wrong.add("MUST but is refused:   kubectl auth can-i " + q + " --as=" + user());
      }
    }
    for (String q : mustNot) {
      if (allowed(q)) {
        wrong.add("MUST NOT but is allowed: kubectl auth can-i " + q + " --as=" + user());
      }
    }
    assertThat(wrong).as("permissions of %s", user()).isEmpty();
  }

  static ResourceAttributes parse(String question) {
    String[] t = question.trim().split("\\s+");
    ResourceAttributes a = new ResourceAttributes();
    a.setVerb(t[0]);
    String target = t[1];
    int slash = target.indexOf('/');
    if (slash >= 0) {
      a.setSubresource(target.substring(slash + 1));
      target = target.substring(0, slash);
    }
    int dot = target.indexOf('.');
    a.setResource(dot < 0 ? target : target.substring(0, dot));
    a.setGroup(dot < 0 ? "" : target.substring(dot + 1));
    for (int i = 2; i < t.length; i++) {
      if (t[i].equals("-n")) {
        a.setNamespace(t[++i]);
      } else {
        a.setName(t[i]);
      }
    }
    return a;
  }
}
