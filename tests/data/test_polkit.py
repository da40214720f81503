#!/usr/bin/env python3
# Copyright 2026 The Modtune developers
# SPDX-License-Identifier: GPL-2.0-or-later
"""The helper's polkit actions (data/polkit/io.github.modtune.policy.in) and
optional rules (io.github.modtune.rules.in): SECURITY.md rule 4, the D-Bus
contract's mutating methods, translation, and what the rules may relax.

MT_POLICY is the policy as installed (translations merged), MT_POLICY_SOURCE
its source, MT_POLKIT_RULES the generated rules file."""

import os
import re
import tempfile
import unittest

import mtdata

# The read-only methods of data/dbus/io.github.modtune.Helper1.xml: no action.
READ_ONLY_METHODS = {
    "io.github.modtune.Helper1.GetSystemInfo",
    "io.github.modtune.Helper1.GetStatus",
    "io.github.modtune.Helper1.ListBackups",
}

# Every other method, and the action the helper checks for it.  Job1.Cancel
# is free for the uid that started the job; the action is for other users.
METHOD_ACTIONS = {
    "io.github.modtune.Helper1.Apply": "io.github.modtune.install-modules",
    "io.github.modtune.Helper1.Restore": "io.github.modtune.restore-backup",
    "io.github.modtune.Helper1.DeleteBackup": "io.github.modtune.delete-backup",
    "io.github.modtune.Helper1.Uninstall": "io.github.modtune.uninstall-modules",
    "io.github.modtune.Helper1.Load": "io.github.modtune.load-modules",
    "io.github.modtune.Helper1.Unload": "io.github.modtune.load-modules",
    "io.github.modtune.Job1.Cancel": "io.github.modtune.cancel-job-other-user",
}

# Actions that only read status may say "yes" (rule 4); Modtune has none:
# reading needs no action at all.
READ_ONLY_ACTIONS = frozenset()

# Rule 4: these operations use auth_admin without _keep for allow_active.
# Matched on the words of the action's name, so that a future
# io.github.modtune.sign-modules or enroll-signing-key is covered too.
STRICT_WORDS = ("install", "load", "sign", "restore", "enroll")

# Strongest first.  auth_self is weaker than auth_admin_keep: any user can
# answer it with their own password.
STRENGTH = ["no", "auth_admin", "auth_admin_keep", "auth_self", "auth_self_keep", "yes"]

# The defaults the policy ships, as docs/ARCHITECTURE.md states them.
EXPECTED_DEFAULTS = {
    "io.github.modtune.install-modules": ("auth_admin", "auth_admin", "auth_admin"),
    "io.github.modtune.restore-backup": ("auth_admin", "auth_admin", "auth_admin"),
    "io.github.modtune.uninstall-modules": ("auth_admin", "auth_admin", "auth_admin"),
    "io.github.modtune.load-modules": ("auth_admin", "auth_admin", "auth_admin"),
    "io.github.modtune.delete-backup": ("auth_admin", "auth_admin", "auth_admin_keep"),
    "io.github.modtune.cancel-job-other-user": ("auth_admin", "auth_admin", "auth_admin_keep"),
}

# The details the helper passes, and which actions get "backup".
DETAILS = {"kernel", "module", "backup"}
BACKUP_ACTIONS = {"io.github.modtune.restore-backup", "io.github.modtune.delete-backup"}

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def actions(root):
    return {a.get("id"): a for a in root.findall("action")}


def defaults(action):
    d = action.find("defaults")
    if d is None:
        return {}
    return {e.tag: (e.text or "").strip() for e in d}


def strict(action_id):
    words = action_id[len(mtdata.ACTION_PREFIX):].split("-")
    return any(w in STRICT_WORDS for w in words)


def weaker(a, b):
    """Whether implicit authorization A is weaker than B."""
    return STRENGTH.index(a) > STRENGTH.index(b)


def preceding_comment(lines, index):
    """The text of the XML comment that ends right above line INDEX, or None."""
    i = index - 1
    while i >= 0 and not lines[i].strip():
        i -= 1
    if i < 0 or not lines[i].rstrip().endswith("-->"):
        return None
    end = i
    while i >= 0 and "<!--" not in lines[i]:
        i -= 1
    return "\n".join(lines[i:end + 1]) if i >= 0 else None


class Policy(unittest.TestCase):
    def setUp(self):
        self.root = mtdata.parse_xml("MT_POLICY")
        self.actions = actions(self.root)
        self.assertTrue(self.actions, "the policy has no action")

    def test_policy_valid_against_dtd(self):
        xmllint = mtdata.tool("xmllint", "it validates the policy against polkit's DTD")
        dtd = next((d for d in ("/usr/share/polkit-1/policyconfig-1.dtd",
                                "/usr/local/share/polkit-1/policyconfig-1.dtd")
                    if os.path.exists(d)), None)
        if not dtd:
            self.skipTest("polkit's policyconfig-1.dtd is not installed (polkitd)")
        for var in ("MT_POLICY_SOURCE", "MT_POLICY"):
            r = mtdata.run([xmllint, "--noout", "--nonet", "--dtdvalid", dtd, mtdata.path(var)])
            self.assertEqual(r.returncode, 0, f"{mtdata.path(var)}:\n{r.stdout}{r.stderr}")

    def test_rule_4_no_yes_outside_read_only_actions(self):
        for action_id, action in self.actions.items():
            if action_id in READ_ONLY_ACTIONS:
                continue
            for element, value in defaults(action).items():
                self.assertNotEqual(value, "yes", f"{action_id}: {element} is yes")

    def test_rule_4_install_load_sign_restore_enroll_use_auth_admin_without_keep(self):
        covered = [a for a in self.actions if strict(a)]
        self.assertIn("io.github.modtune.install-modules", covered)
        self.assertIn("io.github.modtune.load-modules", covered)
        self.assertIn("io.github.modtune.restore-backup", covered)
        for action_id in covered:
            self.assertEqual(defaults(self.actions[action_id]).get("allow_active"), "auth_admin",
                             f"{action_id}: allow_active must be auth_admin (no _keep)")

    def test_rule_4_allow_any_never_weaker_than_allow_inactive(self):
        for action_id, action in self.actions.items():
            d = defaults(action)
            for element in ("allow_any", "allow_inactive", "allow_active"):
                self.assertIn(d.get(element), STRENGTH,
                              f"{action_id}: {element} missing or unknown")
            self.assertFalse(weaker(d["allow_any"], d["allow_inactive"]),
                             f"{action_id}: allow_any {d['allow_any']} is weaker than "
                             f"allow_inactive {d['allow_inactive']}")

    def test_rule_4_every_message_names_kernel_or_module(self):
        # every message, the translated ones included
        for action_id, action in self.actions.items():
            messages = action.findall("message")
            self.assertTrue(messages, f"{action_id}: no message")
            for message in messages:
                text = message.text or ""
                lang = message.get(XML_LANG, "C")
                self.assertTrue("$(kernel)" in text or "$(module)" in text,
                                f"{action_id} [{lang}]: message names neither $(kernel) nor "
                                f"$(module): {text!r}")

    def test_rule_4_every_mutating_method_has_its_action(self):
        xml = mtdata.parse_xml("MT_DBUS_XML")
        methods = {f"{i.get('name')}.{m.get('name')}"
                   for i in xml.findall("interface") for m in i.findall("method")}
        self.assertTrue(READ_ONLY_METHODS <= methods, "a read-only method left the contract")
        unmapped = methods - READ_ONLY_METHODS - set(METHOD_ACTIONS)
        self.assertFalse(unmapped, f"methods with no polkit action in the table: {unmapped}")
        gone = set(METHOD_ACTIONS) - methods
        self.assertFalse(gone, f"the table names methods the contract does not have: {gone}")
        for method, action_id in METHOD_ACTIONS.items():
            self.assertIn(action_id, self.actions, f"{method}: no action {action_id} in the policy")
        unused = set(self.actions) - set(METHOD_ACTIONS.values())
        self.assertFalse(unused, f"actions no method uses: {unused}")

    def test_contract_comments_name_the_same_actions(self):
        # Each method's comment in the contract says "Polkit action <id>".
        text = mtdata.read("MT_DBUS_XML")
        for m in re.finditer(r"<!--(.*?)-->\s*<method name=\"(\w+)\"", text, re.S):
            named = re.findall(r"Polkit action\s+(io\.github\.modtune\.[\w-]+)", m.group(1))
            method = next((k for k in METHOD_ACTIONS if k.endswith("." + m.group(2))), None)
            for action_id in named:
                self.assertIsNotNone(method, f"{m.group(2)} names {action_id} but is not mapped")
                self.assertEqual(METHOD_ACTIONS[method], action_id, m.group(2))

    def test_allow_inactive_never_weaker_than_allow_active(self):
        for action_id, action in self.actions.items():
            d = defaults(action)
            self.assertFalse(weaker(d.get("allow_inactive", "yes"), d.get("allow_active", "no")),
                             f"{action_id}: allow_inactive is weaker than allow_active")

    def test_defaults_are_the_documented_ones(self):
        self.assertEqual(set(self.actions), set(EXPECTED_DEFAULTS))
        for action_id, expected in EXPECTED_DEFAULTS.items():
            d = defaults(self.actions[action_id])
            self.assertEqual((d.get("allow_any"), d.get("allow_inactive"), d.get("allow_active")),
                             expected, action_id)

    def test_messages_name_only_details_the_helper_passes(self):
        for action_id, action in self.actions.items():
            for message in action.findall("message"):
                named = set(re.findall(r"\$\((\w+)\)", message.text or ""))
                self.assertTrue(named <= DETAILS, f"{action_id}: unknown details {named - DETAILS}")
                if "backup" in named:
                    self.assertIn(action_id, BACKUP_ACTIONS,
                                  f"{action_id}: the helper passes no backup id for it")

    def test_never_run_through_pkexec(self):
        # SECURITY.md rule 5: no action lets pkexec start anything.
        for action_id, action in self.actions.items():
            for annotate in action.findall("annotate"):
                key = annotate.get("key", "")
                self.assertFalse(key.startswith("org.freedesktop.policykit.exec"),
                                 f"{action_id}: {key}")

    def test_every_action_has_a_security_comment(self):
        lines = mtdata.read("MT_POLICY_SOURCE").splitlines()
        for i, line in enumerate(lines):
            if "<action " in line:
                comment = preceding_comment(lines, i)
                self.assertTrue(comment and "SECURITY:" in comment,
                                f"line {i + 1}: no <!-- SECURITY: --> comment above {line.strip()}")

    def test_every_string_has_a_translators_comment(self):
        lines = mtdata.read("MT_POLICY_SOURCE").splitlines()
        for i, line in enumerate(lines):
            if "<message" in line or "<description" in line:
                comment = preceding_comment(lines, i)
                self.assertTrue(comment and "TRANSLATORS:" in comment,
                                f"line {i + 1}: no <!-- TRANSLATORS: --> comment above "
                                f"{line.strip()}")

    def test_strings_are_extracted_for_translators(self):
        # xgettext finds polkit's ITS rules by itself, as for the real .pot,
        # and keeps the TRANSLATORS comments.
        xgettext = mtdata.tool("xgettext", "it extracts the policy's strings")
        source = mtdata.path("MT_POLICY_SOURCE")
        with tempfile.TemporaryDirectory() as tmp:
            pot = os.path.join(tmp, "policy.pot")
            r = mtdata.run([xgettext, "--add-comments", "--from-code=UTF-8", "-o", pot, source])
            if r.returncode != 0 and "ITS" in r.stderr:
                self.skipTest(f"gettext has no polkit ITS rules here: {r.stderr.strip()}")
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(pot, encoding="utf-8") as f:
                entries = f.read().split("\n\n")
        src_actions = actions(mtdata.parse_xml("MT_POLICY_SOURCE"))
        for action_id, action in src_actions.items():
            for element in action.findall("message") + action.findall("description"):
                msgid = 'msgid "' + element.text.replace('"', '\\"') + '"'
                entry = next((e for e in entries if msgid in e.replace('"\n"', "")), None)
                self.assertIsNotNone(entry, f"{action_id}: {element.text!r} is not extracted")
                self.assertIn("#. TRANSLATORS:", entry, f"{action_id}: {element.text!r}")

    def test_policy_is_in_potfiles(self):
        potfiles = os.path.join(mtdata.path("MT_SRCDIR"), "po", "POTFILES.in")
        with open(potfiles, encoding="utf-8") as f:
            listed = {line.strip() for line in f}
        self.assertIn("data/polkit/io.github.modtune.policy.in", listed)


class Rules(unittest.TestCase):
    """io.github.modtune.rules, installed only with -Dpolkit_rules=true."""

    RELAXED = {
        "io.github.modtune.install-modules",
        "io.github.modtune.load-modules",
        "io.github.modtune.restore-backup",
    }

    def setUp(self):
        text = mtdata.read("MT_POLKIT_RULES")
        # the code, without comments
        self.code = re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)

    def test_rules_name_only_install_load_restore(self):
        named = set(re.findall(r'"(io\.github\.modtune\.[^"]*)"', self.code))
        self.assertEqual(named, self.RELAXED)
        # and compare action.id with them, not with a prefix
        self.assertNotIn("indexOf(\"io.github", self.code)
        self.assertNotRegex(self.code, r"action\.id\.(match|startsWith|indexOf)")

    def test_rules_ask_for_an_admin_password(self):
        results = set(re.findall(r"polkit\.Result\.(\w+)", self.code))
        self.assertEqual(results, {"AUTH_ADMIN_KEEP", "NOT_HANDLED"})
        self.assertNotRegex(self.code, r"""["'](yes|auth_self|auth_self_keep)["']""")

    def test_rules_need_a_local_active_subject(self):
        self.assertRegex(self.code, r"subject\.local\s*!==\s*true")
        self.assertRegex(self.code, r"subject\.active\s*!==\s*true")
        # ... checked before any group, and handing back to the defaults
        local = self.code.index("subject.local")
        self.assertLess(local, self.code.index("isInGroup"))
        self.assertIn("return polkit.Result.NOT_HANDLED",
                      self.code[local:self.code.index("isInGroup")])

    def test_rules_groups_are_the_configured_ones(self):
        m = re.search(r"var groups = \[([^\]]*)\];", self.code)
        self.assertIsNotNone(m, "no groups array")
        groups = re.findall(r'"([^"]*)"', m.group(1))
        configured = os.environ.get("MT_POLKIT_RULES_GROUPS", "").split(",")
        self.assertEqual(groups, [g for g in configured if g])
        for group in groups:
            self.assertRegex(group, r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")

    def test_rules_braces_balance(self):
        # No JavaScript engine here: at least the blocks and calls close.
        for opening, closing in ("{}", "()", "[]"):
            self.assertEqual(self.code.count(opening), self.code.count(closing), opening + closing)
        self.assertNotIn("@", self.code, "an unsubstituted @VARIABLE@")


if __name__ == "__main__":
    mtdata.main()
