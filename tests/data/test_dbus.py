#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""The helper's system bus policy (data/dbus/io.github.modtune.Helper.conf,
SECURITY.md rule 5) and activation file (io.github.modtune.Helper.service),
read as text and loaded into a real dbus-daemon.

MT_BUS_CONF is the policy, MT_BUS_SERVICE the generated activation file,
MT_SYSTEMD_UNIT the generated unit, MT_DBUS_XML the D-Bus contract."""

import os
import re
import subprocess
import tempfile
import time
import unittest

import mtdata

NAME = mtdata.BUS_NAME
OBJECT = "/io/github/modtune/Helper"

# What the default context may send to the helper (STYLE.md 8.7).
ALLOWED_INTERFACES = {
    "io.github.modtune.Helper1",
    "io.github.modtune.Job1",
    "org.freedesktop.DBus.Properties",
    "org.freedesktop.DBus.Introspectable",
    "org.freedesktop.DBus.Peer",
    "org.freedesktop.DBus.ObjectManager",
}

ACCESS_DENIED = "org.freedesktop.DBus.Error.AccessDenied"
NOBODY = 65534


def rules(root):
    """(policy element, rule element) for every allow and deny."""
    for policy in root.iter("policy"):
        for rule in policy:
            if rule.tag in ("allow", "deny"):
                yield policy, rule


def own_matches(rule):
    """Whether an own/own_prefix rule covers our name."""
    own = rule.get("own")
    prefix = rule.get("own_prefix")
    if own is not None and own in (NAME, "*"):
        return True
    if prefix is not None and (NAME == prefix or NAME.startswith(prefix + ".")):
        return True
    return False


class BusConfig(unittest.TestCase):
    def setUp(self):
        self.root = mtdata.parse_xml("MT_BUS_CONF")
        self.assertEqual(self.root.tag, "busconfig")

    def test_conf_well_formed(self):
        xmllint = mtdata.tool("xmllint", "it checks the bus policy")
        r = mtdata.run([xmllint, "--noout", "--nonet", mtdata.path("MT_BUS_CONF")])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_conf_valid_against_dtd(self):
        xmllint = mtdata.tool("xmllint", "it validates the bus policy against its DTD")
        candidates = ["/usr/share/xml/dbus-1/busconfig.dtd",
                      "/usr/share/dbus-1/busconfig.dtd",
                      "/usr/share/doc/dbus/busconfig.dtd"]
        dtd = next((d for d in candidates if os.path.exists(d)), None)
        if not dtd:
            self.skipTest("no busconfig.dtd is installed (Debian's dbus packages ship none); "
                          "the Daemon tests load the file into dbus-daemon instead")
        r = mtdata.run([xmllint, "--noout", "--nonet", "--dtdvalid", dtd,
                        mtdata.path("MT_BUS_CONF")])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_rule_5_only_root_may_own_our_name(self):
        owners = []
        for policy, rule in rules(self.root):
            if rule.tag == "allow" and own_matches(rule):
                self.assertEqual(dict(policy.attrib), {"user": "root"},
                                 f"<allow {rule.attrib}> outside <policy user=\"root\">")
                owners.append(rule)
        self.assertTrue(owners, "root may not own the name")

    def test_rule_5_every_allow_send_names_our_destination(self):
        for _, rule in rules(self.root):
            if rule.tag == "allow" and any(k.startswith("send_") for k in rule.attrib):
                self.assertEqual(rule.get("send_destination"), NAME, f"<allow {rule.attrib}>")

    def test_rule_5_no_wildcard_destination(self):
        for _, rule in rules(self.root):
            self.assertNotEqual(rule.get("send_destination"), "*", f"<{rule.tag} {rule.attrib}>")
        self.assertNotIn('send_destination="*"', mtdata.read("MT_BUS_CONF"))

    def test_rule_5_no_destinationless_interface_or_type_allow(self):
        for _, rule in rules(self.root):
            if rule.tag == "allow" and ({"send_interface", "send_type"} & set(rule.attrib)):
                self.assertIn("send_destination", rule.attrib, f"<allow {rule.attrib}>")

    def test_rule_5_no_at_console(self):
        for element in self.root.iter():
            self.assertNotIn("at_console", element.attrib, f"<{element.tag} {element.attrib}>")
        # in any spelling the parser might accept, comments aside
        self.assertNotRegex(re.sub(r"<!--.*?-->", "", mtdata.read("MT_BUS_CONF"), flags=re.S),
                            r"at_console\s*=")

    def test_allowed_interfaces_are_exactly_ours(self):
        allowed = set()
        for policy, rule in rules(self.root):
            if rule.tag == "allow" and "send_interface" in rule.attrib:
                self.assertEqual(dict(policy.attrib), {"context": "default"})
                self.assertEqual(set(rule.attrib), {"send_destination", "send_interface"})
                allowed.add(rule.get("send_interface"))
        self.assertEqual(allowed, ALLOWED_INTERFACES)
        contract = {i.get("name") for i in mtdata.parse_xml("MT_DBUS_XML").findall("interface")}
        self.assertTrue(contract <= allowed,
                        f"contract interfaces not allowed: {contract - allowed}")

    def test_only_our_name_is_owned(self):
        for _, rule in rules(self.root):
            if rule.tag == "allow":
                self.assertNotIn("own_prefix", rule.attrib)
                if "own" in rule.attrib:
                    self.assertEqual(rule.get("own"), NAME)


class Activation(unittest.TestCase):
    def setUp(self):
        self.service = mtdata.parse_unit(mtdata.read("MT_BUS_SERVICE"))
        self.unit = mtdata.parse_unit(mtdata.read("MT_SYSTEMD_UNIT"))

    def test_service_file_keys(self):
        self.assertEqual(list(self.service), ["D-BUS Service"])
        self.assertEqual(dict(self.service["D-BUS Service"]), {
            "Name": NAME,
            "Exec": os.path.join(mtdata.path("MT_LIBEXECDIR"), "modtune-helper"),
            "User": "root",
            "SystemdService": "modtune-helper.service",
        })

    def test_names_and_programs_agree(self):
        service = dict(self.service["D-BUS Service"])
        unit = dict(self.unit["Service"])
        self.assertEqual(unit["BusName"], service["Name"])
        self.assertEqual(unit["ExecStart"], service["Exec"])
        self.assertEqual(os.path.basename(mtdata.path("MT_SYSTEMD_UNIT")),
                         service["SystemdService"])
        conf = mtdata.parse_xml("MT_BUS_CONF")
        owned = [r.get("own") for _, r in rules(conf) if r.tag == "allow"]
        self.assertIn(service["Name"], owned)
        self.assertIn(f"bus name {NAME}", " ".join(mtdata.read("MT_DBUS_XML").split()))

    def test_rule_5_never_started_through_pkexec(self):
        for var in ("MT_BUS_SERVICE", "MT_SYSTEMD_UNIT"):
            self.assertNotIn("pkexec", mtdata.read(var), var)


class Daemon(unittest.TestCase):
    """A private system bus with a system.conf-like default policy, our
    policy included and our activation file in its service directory."""

    def setUp(self):
        self.dbus_daemon = mtdata.tool("dbus-daemon", "it loads the bus policy")
        self.tmp = tempfile.TemporaryDirectory()
        os.chmod(self.tmp.name, 0o755)  # nobody reaches the socket too
        self.procs = []

    def tearDown(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            for stream in (p.stdout, p.stderr):
                if stream:
                    stream.close()
        self.tmp.cleanup()

    def write_config(self, included):
        services = os.path.join(self.tmp.name, "system-services")
        os.makedirs(services, exist_ok=True)
        with open(mtdata.path("MT_BUS_SERVICE"), encoding="utf-8") as src, \
                open(os.path.join(services, os.path.basename(mtdata.path("MT_BUS_SERVICE"))),
                     "w", encoding="utf-8") as dst:
            dst.write(src.read())
        config = os.path.join(self.tmp.name, "system.conf")
        socket = os.path.join(self.tmp.name, "system_bus_socket")
        with open(config, "w", encoding="utf-8") as f:
            f.write(f"""<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{services}</servicedir>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Introspectable"/>
  </policy>
  <include>{included}</include>
</busconfig>
""")
        return config, f"unix:path={socket}"

    def start_bus(self, included):
        config, address = self.write_config(included)
        p = subprocess.Popen([self.dbus_daemon, f"--config-file={config}", "--nofork",
                              "--print-address=1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.procs.append(p)
        line = p.stdout.readline().strip()
        if not line:
            p.wait(10)
            return None, p.stderr.read()
        self.env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=address)
        return address, ""

    def as_nobody(self, argv):
        if os.getuid() != 0:
            return argv  # already not root
        setpriv = mtdata.tool("setpriv", "it runs the client as nobody")
        return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv]

    def gdbus_call(self, method, *args, nobody=False, dest=NAME, path=OBJECT):
        gdbus = mtdata.tool("gdbus", "it calls the bus")
        argv = [gdbus, "call", "--system", "--dest", dest, "--object-path", path,
                "--method", method, *args]
        if nobody:
            argv = self.as_nobody(argv)
        return mtdata.run(argv, env=self.env, timeout=30)

    def request_name(self, nobody):
        return self.gdbus_call("org.freedesktop.DBus.RequestName", NAME, "4", nobody=nobody,
                               dest="org.freedesktop.DBus", path="/org/freedesktop/DBus")

    def test_dbus_daemon_accepts_policy_and_activation_file(self):
        address, errors = self.start_bus(mtdata.path("MT_BUS_CONF"))
        self.assertIsNotNone(address, f"dbus-daemon refused the configuration: {errors}")
        r = self.gdbus_call("org.freedesktop.DBus.ListActivatableNames",
                            dest="org.freedesktop.DBus", path="/org/freedesktop/DBus")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"'{NAME}'", r.stdout)

    def test_dbus_daemon_refuses_a_broken_policy(self):
        # The test above would notice a policy dbus-daemon cannot read.
        broken = os.path.join(self.tmp.name, "broken.conf")
        with open(mtdata.path("MT_BUS_CONF"), encoding="utf-8") as f:
            text = f.read().replace('send_interface="io.github.modtune.Job1"',
                                    'send_interfaze="io.github.modtune.Job1"')
        with open(broken, "w", encoding="utf-8") as f:
            f.write(text)
        address, errors = self.start_bus(broken)
        self.assertIsNone(address)
        self.assertIn("send_interfaze", errors)

    def test_rule_5_only_root_can_own_the_name(self):
        address, errors = self.start_bus(mtdata.path("MT_BUS_CONF"))
        self.assertIsNotNone(address, errors)
        r = self.request_name(nobody=True)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn(ACCESS_DENIED, r.stderr)
        if os.getuid() == 0:
            r = self.request_name(nobody=False)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.strip(), "(uint32 1,)")  # primary owner

    def test_rule_5_default_context_reaches_only_our_interfaces(self):
        if os.getuid() != 0:
            self.skipTest("only root may own the name, so only root can stand in for the helper")
        address, errors = self.start_bus(mtdata.path("MT_BUS_CONF"))
        self.assertIsNotNone(address, errors)
        # A stand-in for the helper, as root: python-dbusmock owning our name.
        python3 = mtdata.tool("python3", "it runs the stand-in service")
        mock = subprocess.Popen([python3, "-m", "dbusmock", "--system", NAME, OBJECT,
                                 "io.github.modtune.Helper1"],
                                env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        self.procs.append(mock)
        for _ in range(200):
            r = self.gdbus_call("org.freedesktop.DBus.NameHasOwner", NAME,
                                dest="org.freedesktop.DBus", path="/org/freedesktop/DBus")
            if r.stdout.strip() == "(true,)":
                break
            if mock.poll() is not None:
                if "No module named dbusmock" in mock.stderr.read():
                    self.skipTest("python3-dbusmock is not installed")
                self.fail("the stand-in service exited")
            time.sleep(0.05)
        else:
            self.fail("the stand-in service did not get the name")

        # allowed: reaches the service (which may well not know the method)
        r = self.gdbus_call("org.freedesktop.DBus.Peer.Ping", nobody=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.gdbus_call("org.freedesktop.DBus.Introspectable.Introspect", nobody=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        for method, args in (("io.github.modtune.Helper1.GetStatus", ['""']),
                             ("io.github.modtune.Job1.Cancel", ["{}"]),
                             ("org.freedesktop.DBus.Properties.GetAll",
                              ["io.github.modtune.Helper1"]),
                             ("org.freedesktop.DBus.ObjectManager.GetManagedObjects", [])):
            r = self.gdbus_call(method, *args, nobody=True)
            self.assertNotIn(ACCESS_DENIED, r.stderr, method)
        # denied by the bus: any other interface, the mock's own included
        for method, args in (("org.freedesktop.DBus.Mock.AddMethod",
                              ["", "Evil", "", "", ""]),
                             ("org.example.Evil.Do", []),
                             ("org.freedesktop.DBus.Properties2.Get", ["a", "b"])):
            r = self.gdbus_call(method, *args, nobody=True)
            self.assertNotEqual(r.returncode, 0, method)
            self.assertIn(ACCESS_DENIED, r.stderr, method)


if __name__ == "__main__":
    mtdata.main()
