#include "spec/private/yaml_tree.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

#define TAG_STR "tag:yaml.org,2002:str"
#define TAG_MAP "tag:yaml.org,2002:map"
#define TAG_SEQ "tag:yaml.org,2002:seq"

/* The document being built: a stack of open containers. */
typedef struct builder {
	sc_yaml_node *root;
	sc_yaml_node **stack;
	size_t depth;
	size_t alloc;
	size_t nodes;
	bool discard; /* an error made this document unusable: ignore the rest */
	bool bad;
} builder;

void sc_yaml_reader_init(sc_yaml_reader *reader, const char *file, const char *text,
                         size_t len)
{
	memset(reader, 0, sizeof(*reader));
	reader->file = file;
	reader->text = (const unsigned char *)text;
	reader->len = len;
	if (!yaml_parser_initialize(&reader->parser)) {
		reader->done = true;
		return;
	}
	yaml_parser_set_input_string(&reader->parser, reader->text, len);
}

void sc_yaml_reader_release(sc_yaml_reader *reader)
{
	yaml_parser_delete(&reader->parser);
	memset(reader, 0, sizeof(*reader));
}

void sc_yaml_node_free(sc_yaml_node *node)
{
	if (!node)
		return;
	for (size_t i = 0; i < node->count; i++)
		sc_yaml_node_free(node->children[i]);
	free(node->children);
	free(node->text);
	free(node);
}

/* Line and column (1-based, counting characters) of a byte offset. */
static void offset_position(const unsigned char *text, size_t len, size_t offset,
                            unsigned *line, unsigned *column)
{
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < offset && i < len; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*column = 1;
		} else if ((text[i] & 0xC0) != 0x80) {
			(*column)++;
		}
	}
}

/* Reports libyaml's error with the parser's place. */
static void syntax_error(sc_yaml_reader *reader, sc_diag *diag)
{
	yaml_parser_t *parser = &reader->parser;
	const char *problem = parser->problem ? parser->problem : "invalid YAML";
	unsigned line, column;

	if (parser->error == YAML_READER_ERROR) {
		offset_position(reader->text, reader->len, parser->problem_offset, &line,
		                &column);
		if (parser->problem_value >= 0)
			sc_diag_error(diag, reader->file, line, column,
			              "syntax error: %s (byte 0x%02X)", problem,
			              (unsigned)parser->problem_value & 0xFF);
		else
			sc_diag_error(diag, reader->file, line, column,
			              "syntax error: %s", problem);
		return;
	}
	line = (unsigned)parser->problem_mark.line + 1;
	column = (unsigned)parser->problem_mark.column + 1;
	if (parser->context)
		sc_diag_error(diag, reader->file, line, column,
		              "syntax error: %s (%s that started at %u:%u)", problem,
		              parser->context, (unsigned)parser->context_mark.line + 1,
		              (unsigned)parser->context_mark.column + 1);
	else
		sc_diag_error(diag, reader->file, line, column, "syntax error: %s",
		              problem);
}

static void builder_release(builder *b)
{
	sc_yaml_node_free(b->root);
	free(b->stack);
	memset(b, 0, sizeof(*b));
}

/* Stops building this document after an error; its events are still read. */
static void builder_abandon(builder *b)
{
	sc_yaml_node_free(b->root);
	b->root = NULL;
	b->depth = 0;
	b->discard = true;
	b->bad = true;
}

static sc_yaml_node *new_node(sc_yaml_kind kind, const yaml_mark_t *mark)
{
	sc_yaml_node *node = sc_calloc(1, sizeof(*node));
	node->kind = kind;
	node->line = (unsigned)mark->line + 1;
	node->column = (unsigned)mark->column + 1;
	return node;
}

/* Hangs node under the open container, or makes it the root. */
static void attach(builder *b, sc_yaml_node *node)
{
	if (!b->depth) {
		sc_yaml_node_free(b->root);
		b->root = node;
		return;
	}
	sc_yaml_node *parent = b->stack[b->depth - 1];
	SC_GROW(parent->children, parent->count + 1, parent->alloc);
	parent->children[parent->count++] = node;
}

/* Counts a node against the size bound; false (and an error) past it. */
static bool count_node(sc_yaml_reader *reader, builder *b, const yaml_mark_t *mark,
                       sc_diag *diag)
{
	if (++b->nodes <= SC_YAML_MAX_NODES)
		return true;
	sc_diag_error(diag, reader->file, (unsigned)mark->line + 1,
	              (unsigned)mark->column + 1,
	              "document too large: more than %d nodes", SC_YAML_MAX_NODES);
	builder_abandon(b);
	return false;
}

/* A tag as written: "int" for tag:yaml.org,2002:int (shown as !!int). */
static const char *short_tag(const char *tag)
{
	static const char prefix[] = "tag:yaml.org,2002:";
	if (!strncmp(tag, prefix, sizeof(prefix) - 1))
		return tag + sizeof(prefix) - 1;
	return tag;
}

static void on_scalar(sc_yaml_reader *reader, builder *b, const yaml_event_t *event,
                      sc_diag *diag)
{
	const char *tag = (const char *)event->data.scalar.tag;
	bool plain = event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;

	if (tag && strcmp(tag, "!") != 0) {
		if (strcmp(tag, TAG_STR) != 0) {
			sc_diag_error(diag, reader->file,
			              (unsigned)event->start_mark.line + 1,
			              (unsigned)event->start_mark.column + 1,
			              "tag %s%s is not supported (only !!str)",
			              short_tag(tag) != tag ? "!!" : "", short_tag(tag));
			builder_abandon(b);
			return;
		}
		plain = false;
	}
	if (!count_node(reader, b, &event->start_mark, diag))
		return;
	sc_yaml_node *node = new_node(SC_YAML_SCALAR, &event->start_mark);
	node->len = event->data.scalar.length;
	node->text = sc_malloc(node->len + 1);
	memcpy(node->text, event->data.scalar.value, node->len);
	node->text[node->len] = '\0';
	node->plain = plain;
	attach(b, node);
}

static void on_container_start(sc_yaml_reader *reader, builder *b,
                               const yaml_event_t *event, sc_diag *diag)
{
	bool is_map = event->type == YAML_MAPPING_START_EVENT;
	const char *tag = (const char *)(is_map ? event->data.mapping_start.tag
	                                        : event->data.sequence_start.tag);
	unsigned line = (unsigned)event->start_mark.line + 1;
	unsigned column = (unsigned)event->start_mark.column + 1;

	if (tag && strcmp(tag, "!") != 0 &&
	    strcmp(tag, is_map ? TAG_MAP : TAG_SEQ) != 0) {
		sc_diag_error(diag, reader->file, line, column,
		              "tag %s%s is not supported",
		              short_tag(tag) != tag ? "!!" : "", short_tag(tag));
		builder_abandon(b);
		return;
	}
	if (b->depth >= SC_YAML_MAX_DEPTH) {
		sc_diag_error(diag, reader->file, line, column,
		              "nesting too deep: more than %d levels", SC_YAML_MAX_DEPTH);
		builder_abandon(b);
		/* libyaml's scanner is quadratic in flow depth: stop the file here. */
		reader->done = true;
		return;
	}
	if (!count_node(reader, b, &event->start_mark, diag))
		return;
	sc_yaml_node *node =
	    new_node(is_map ? SC_YAML_MAP : SC_YAML_SEQ, &event->start_mark);
	attach(b, node);
	SC_GROW(b->stack, b->depth + 1, b->alloc);
	b->stack[b->depth++] = node;
}

/* Feeds one event to the builder of the current document. */
static void on_event(sc_yaml_reader *reader, builder *b, const yaml_event_t *event,
                     sc_diag *diag)
{
	if (b->discard)
		return;
	switch (event->type) {
	case YAML_ALIAS_EVENT:
		sc_diag_error(diag, reader->file, (unsigned)event->start_mark.line + 1,
		              (unsigned)event->start_mark.column + 1,
		              "aliases are not supported (*%s): write the value out",
		              (const char *)event->data.alias.anchor);
		builder_abandon(b);
		break;
	case YAML_SCALAR_EVENT:
		on_scalar(reader, b, event, diag);
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		on_container_start(reader, b, event, diag);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->depth)
			b->depth--;
		break;
	default:
		break;
	}
}

/* An empty document: nothing, or a lone null scalar. */
static bool is_empty(const sc_yaml_node *root)
{
	if (!root)
		return true;
	if (root->kind != SC_YAML_SCALAR || !root->plain)
		return false;
	return !strcmp(root->text, "") || !strcmp(root->text, "~") ||
	       !strcmp(root->text, "null") || !strcmp(root->text, "Null") ||
	       !strcmp(root->text, "NULL");
}

int sc_yaml_reader_next(sc_yaml_reader *reader, sc_yaml_node **out, sc_diag *diag)
{
	builder b;

	*out = NULL;
	memset(&b, 0, sizeof(b));
	while (!reader->done) {
		yaml_event_t event;
		if (!yaml_parser_parse(&reader->parser, &event)) {
			syntax_error(reader, diag);
			reader->done = true;
			builder_release(&b);
			return -1;
		}
		yaml_event_type_t type = event.type;
		if (type == YAML_STREAM_END_EVENT)
			reader->done = true;
		else if (type != YAML_DOCUMENT_START_EVENT)
			on_event(reader, &b, &event, diag);
		yaml_event_delete(&event);
		if (type != YAML_DOCUMENT_END_EVENT)
			continue;
		bool bad = b.bad;
		if (!bad && !is_empty(b.root)) {
			*out = b.root;
			b.root = NULL;
		}
		builder_release(&b);
		return bad ? -1 : 1;
	}
	/* The stream ended inside a document only when an error stopped it. */
	bool bad = b.bad;
	builder_release(&b);
	return bad ? -1 : 0;
}
