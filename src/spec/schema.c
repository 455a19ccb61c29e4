/*
 * Every field of a spec document, once (field.h says what an entry
 * means). The defaults here are what a spec gets for a field not written;
 * spec.renewBefore's (half of spec.timeout) and metadata.set's (--set)
 * depend on other values and are set by the document reader (validate.c).
 */
#include <stddef.h>
#include <string.h>

#include "spec/private/field.h"
#include "spec/spec.h"
#include "spec/private/syntax.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(sizeof(sc_spec_state) == sizeof(int), "ENUM fields are int-sized");
_Static_assert(sizeof(sc_replace_order) == sizeof(int), "ENUM fields are int-sized");
_Static_assert(sizeof(sc_readiness) == sizeof(int), "ENUM fields are int-sized");

static bool is_dns_label(const char *s)
{
	return sc_spec_is_dns_label(s, strlen(s));
}

static bool is_not_empty(const char *s)
{
	return *s != '\0';
}

static bool is_absolute(const char *s)
{
	return s[0] == '/';
}

static const sc_rule dns_label = {
    is_dns_label,
    "must be a DNS-1123 label (1 to 63 of a-z, 0-9 and '-', starting and ending with a "
    "letter or digit)",
    false};
static const sc_rule template_rule = {is_not_empty,
                                      "must not be empty (leave it out for base)", true};
static const sc_rule not_empty = {is_not_empty, "must not be empty", true};
static const sc_rule absolute = {is_absolute, "must be an absolute path", false};
static const sc_rule cidr = {sc_spec_is_ipv4_or_cidr,
                             "must be an IPv4 address or CIDR (a.b.c.d or a.b.c.d/0-32)",
                             false};

static const char *const api_version[] = {"sc-apply/v1"};
static const char *const kind[] = {"Sandbox"};
static const char *const states[] = {"running", "paused"};
static const char *const replace_orders[] = {"create-first", "delete-first"};
static const char *const readiness_words[] = {"running", "heartbeat"};

#define AT(member) offsetof(sc_spec, member)

/* A table reads best with a field to a line or two: clang-format would spread it. */
/* clang-format off */

static const sc_field metadata_fields[] = {
    {.key = "name", .type = SC_FIELD_STRING, .offset = AT(name),
     .flags = SC_FIELD_REQUIRED, .rule = &dns_label},
    {.key = "set", .type = SC_FIELD_STRING, .offset = AT(set), .rule = &dns_label},
    {.key = "labels", .type = SC_FIELD_LABELS, .offset = AT(labels)},
};

static const sc_field network_fields[] = {
    {.key = "allowPublicTraffic", .type = SC_FIELD_BOOL,
     .offset = AT(network.allow_public_traffic), .flags = SC_FIELD_DEFAULT, .def = true},
    {.key = "allowInternetAccess", .type = SC_FIELD_BOOL,
     .offset = AT(network.allow_internet_access), .flags = SC_FIELD_DEFAULT, .def = true},
    {.key = "allowOut", .type = SC_FIELD_STRINGS, .offset = AT(network.allow_out),
     .rule = &cidr, .shape = "IPv4 addresses or CIDRs"},
    {.key = "denyOut", .type = SC_FIELD_STRINGS, .offset = AT(network.deny_out),
     .rule = &cidr, .shape = "IPv4 addresses or CIDRs"},
};

static const sc_field mount_fields[] = {
    {.key = "name", .type = SC_FIELD_STRING, .offset = offsetof(sc_mount, name),
     .flags = SC_FIELD_REQUIRED, .rule = &not_empty},
    {.key = "path", .type = SC_FIELD_STRING, .offset = offsetof(sc_mount, path),
     .flags = SC_FIELD_REQUIRED | SC_FIELD_UNIQUE, .rule = &absolute},
};

static const sc_field rollout_fields[] = {
    {.key = "maxSurge", .type = SC_FIELD_UINT, .offset = AT(rollout.max_surge),
     .flags = SC_FIELD_DEFAULT | SC_FIELD_PERCENT, .min = 0, .max = 1000, .def = 1,
     .percent_offset = AT(rollout.max_surge_percent)},
    {.key = "maxUnavailable", .type = SC_FIELD_UINT, .offset = AT(rollout.max_unavailable),
     .flags = SC_FIELD_DEFAULT | SC_FIELD_PERCENT, .min = 0, .max = 1000, .def = 0,
     .percent_offset = AT(rollout.max_unavailable_percent)},
    {.key = "progressDeadline", .type = SC_FIELD_UINT,
     .offset = AT(rollout.progress_deadline), .flags = SC_FIELD_DEFAULT, .min = 1,
     .max = 86400, .def = 600},
};

static const sc_field spec_fields[] = {
    {.key = "template", .type = SC_FIELD_STRING, .offset = AT(template_id),
     .flags = SC_FIELD_DEFAULT, .def_text = "base", .rule = &template_rule},
    {.key = "replicas", .type = SC_FIELD_UINT, .offset = AT(replicas),
     .flags = SC_FIELD_DEFAULT, .min = 0, .max = 1000, .def = 1},
    {.key = "state", .type = SC_FIELD_ENUM, .offset = AT(state), .flags = SC_FIELD_DEFAULT,
     .words = states, .word_count = COUNT(states), .def = SC_SPEC_RUNNING},
    {.key = "timeout", .type = SC_FIELD_UINT, .offset = AT(timeout),
     .flags = SC_FIELD_DEFAULT, .min = 1, .max = 86400, .def = 300},
    {.key = "renewBefore", .type = SC_FIELD_UINT, .offset = AT(renew_before), .min = 0,
     .max = 86399},
    {.key = "waitReady", .type = SC_FIELD_BOOL, .offset = AT(wait_ready),
     .flags = SC_FIELD_DEFAULT, .def = true},
    {.key = "autoPause", .type = SC_FIELD_BOOL, .offset = AT(auto_pause),
     .flags = SC_FIELD_DEFAULT, .def = false},
    {.key = "autoResume", .type = SC_FIELD_BOOL, .offset = AT(auto_resume),
     .flags = SC_FIELD_DEFAULT, .def = false},
    {.key = "protect", .type = SC_FIELD_BOOL, .offset = AT(protect),
     .flags = SC_FIELD_DEFAULT, .def = false},
    {.key = "replace", .type = SC_FIELD_ENUM, .offset = AT(replace),
     .flags = SC_FIELD_DEFAULT, .words = replace_orders,
     .word_count = COUNT(replace_orders), .def = SC_REPLACE_CREATE_FIRST},
    {.key = "readiness", .type = SC_FIELD_ENUM, .offset = AT(readiness),
     .flags = SC_FIELD_DEFAULT, .words = readiness_words,
     .word_count = COUNT(readiness_words), .def = SC_READINESS_RUNNING},
    {.key = "rollout", .type = SC_FIELD_GROUP, .flags = SC_FIELD_PRESENCE,
     .present_offset = AT(rollout.present), .fields = rollout_fields,
     .field_count = COUNT(rollout_fields)},
    {.key = "envVars", .type = SC_FIELD_ENV, .offset = AT(env)},
    {.key = "network", .type = SC_FIELD_GROUP, .fields = network_fields,
     .field_count = COUNT(network_fields)},
    {.key = "volumeMounts", .type = SC_FIELD_RECORDS, .offset = AT(mounts),
     .shape = "{name, path}", .fields = mount_fields, .field_count = COUNT(mount_fields),
     .record_size = sizeof(sc_mount), .count_offset = AT(mount_count)},
};

const sc_field sc_spec_document_fields[] = {
    {.key = "apiVersion", .type = SC_FIELD_CONST, .flags = SC_FIELD_REQUIRED,
     .words = api_version, .word_count = 1},
    {.key = "kind", .type = SC_FIELD_CONST, .flags = SC_FIELD_REQUIRED, .words = kind,
     .word_count = 1},
    {.key = "metadata", .type = SC_FIELD_GROUP, .flags = SC_FIELD_REQUIRED,
     .hint = " (with name)", .fields = metadata_fields,
     .field_count = COUNT(metadata_fields)},
    {.key = "spec", .type = SC_FIELD_GROUP, .fields = spec_fields,
     .field_count = COUNT(spec_fields)},
};

const size_t sc_spec_document_field_count = COUNT(sc_spec_document_fields);
/* clang-format on */
