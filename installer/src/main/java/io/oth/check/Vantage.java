package io.oth.check;

/**
 * Where a check is seen from, besides the nodes themselves, and the roles (playbooks/roles.yml)
 * whose nodes the checks single out.
 */
final class Vantage {
    static final String OPERATOR = "operator";
    static final String BASTION = "bastion";
    static final String LB = "lb";
    static final String APP = "app";
    static final String STORAGE = "storage";

    private Vantage() {
    }
}
