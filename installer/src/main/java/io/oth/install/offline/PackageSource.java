package io.oth.install.offline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where {@code oth bundle create} takes .debs from, and how it reads them: the operator machine's
 * apt ({@link DebianTools#apt()}), or a directory of .debs, a local mirror or cache
 * ({@link DebianTools#directory(Path)}). Tests give their own.
 */
public interface PackageSource {

    /** The .debs that installing {@code packages} takes on a node that has nothing installed, fetched into {@code work}. */
    List<Path> resolve(String role, List<String> packages, Path work) throws IOException, DebPackage.InvalidException;

    /** A .deb's control fields (dpkg-deb --field). */
    Map<String, String> fields(Path deb) throws IOException;

    /** The Debian release codename and architecture the packages are for. */
    Release release() throws IOException;

    /** A Debian release and architecture, as {@code /etc/os-release} and {@code dpkg --print-architecture} name them. */
    record Release(String codename, String architecture) {
    }
}
