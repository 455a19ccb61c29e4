/*
 * The lexical rules of spec values: DNS-1123 labels, Kubernetes label keys
 * and values, environment variable names, IPv4 addresses and CIDRs, and
 * the edit distance behind "did you mean" suggestions. Private to
 * src/spec/; pure functions of their arguments.
 */
#ifndef SC_SPEC_SYNTAX_H
#define SC_SPEC_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>

/* [a-z0-9]([-a-z0-9]*[a-z0-9])?, 1..63 characters. */
bool sc_spec_is_dns_label(const char *s, size_t len);
/* DNS-1123 labels joined by dots, at most 253 characters. */
bool sc_spec_is_dns_subdomain(const char *s, size_t len);
/* A Kubernetes label name: 1..63 of [A-Za-z0-9._-], alphanumeric at both ends. */
bool sc_spec_is_label_name(const char *s, size_t len);
/* A label key: [prefix/]name, the prefix a DNS subdomain. */
bool sc_spec_is_label_key(const char *s);
/* A label value: empty, or a label name. */
bool sc_spec_is_label_value(const char *s);
/* [A-Za-z_][A-Za-z0-9_]* */
bool sc_spec_is_env_name(const char *s);
/* a.b.c.d or a.b.c.d/n, decimal, no leading zeros, octets 0..255, n 0..32. */
bool sc_spec_is_ipv4_or_cidr(const char *s);

/* Levenshtein distance, capped: returns at most cap + 1. */
size_t sc_spec_edit_distance(const char *a, const char *b, size_t cap);
/* The candidate nearest to word within distance 2, or NULL. */
const char *sc_spec_suggest(const char *word, const char *const *candidates,
                            size_t count);

#endif
