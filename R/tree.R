# Hierarchical mixtures of experts in R: the `tree` argument of moe() as the core's shape text, and
# the tree's structure (nodes, children, branches and their experts) read back from a fitted model.

# The shape text of `tree`: a vector of branchings c(2, 3) -> "2x3" (a root of 2 branches, each over
# 3 experts); a nested list for ragged trees, list(3, 2) -> "[3 2]", list(list(2, 2), 3) ->
# "[[2 2] 3]", where a number n is a gate over n experts (1: a single expert); or the text itself.
tree_shape_text <- function(tree) {
  bad <- function(what) {
    stop(sprintf(paste0("'tree' %s: give the branching of each level, e.g. c(2, 3), or a nested ",
                        "list such as list(3, list(2, 2)) for a ragged tree"), what), call. = FALSE)
  }
  whole <- function(x, min) is.numeric(x) && length(x) == 1L && !is.na(x) && x >= min && x == round(x)
  if (is.character(tree)) {
    if (length(tree) != 1L || is.na(tree) || !nzchar(trimws(tree))) bad("must be one shape text")
    return(trimws(tree))
  }
  if (is.list(tree)) {
    item <- function(node) {
      if (is.list(node)) {
        if (length(node) < 2L) bad("has a branch with fewer than 2 children")
        return(paste0("[", paste(vapply(node, item, ""), collapse = " "), "]"))
      }
      if (!whole(node, 1)) bad(sprintf("holds '%s', not a whole number of experts", format(node)))
      as.character(as.integer(node))
    }
    if (length(tree) < 2L) bad("needs at least 2 branches at the root")
    return(item(tree))
  }
  if (!is.numeric(tree) || length(tree) < 1L) bad("must be numeric, a list or a shape text")
  for (n in tree) if (!whole(n, 2)) bad(sprintf("has the branching '%s' (each must be a whole number >= 2)", format(n)))
  paste(as.integer(tree), collapse = "x")
}

# A shape text as a nested list: a node is a list of children, a leaf (expert) is NULL.
tree_parse <- function(text) {
  if (!startsWith(text, "[")) {
    levels <- suppressWarnings(as.integer(strsplit(gsub("\\s", "", text), "x", fixed = TRUE)[[1L]]))
    if (length(levels) == 0L || anyNA(levels) || any(levels < 2L)) {
      stop(sprintf("the tree shape '%s' is not of the form 2x3", text), call. = FALSE)
    }
    node <- rep(list(NULL), levels[length(levels)])
    for (n in rev(levels[-length(levels)])) node <- rep(list(node), n)
    return(node)
  }
  fail <- function(what) stop(sprintf("the tree shape '%s' %s", text, what), call. = FALSE)
  if (grepl("[^][0-9[:space:]]", text)) fail("may hold only numbers, spaces and brackets")
  tokens <- regmatches(text, gregexpr("\\[|\\]|[0-9]+", text))[[1L]]
  at <- 1L
  item <- function() {
    token <- tokens[at]
    at <<- at + 1L
    if (is.na(token)) fail("ends early (a '[' is never closed)")
    if (token == "[") {
      children <- list()
      while (!is.na(tokens[at]) && tokens[at] != "]") children[length(children) + 1L] <- list(item())
      if (is.na(tokens[at])) fail("has a '[' that is never closed")
      if (length(children) < 2L) fail("has a bracketed branch with fewer than 2 children")
      at <<- at + 1L
      return(children)
    }
    if (token == "]") fail("has an unexpected ']'")
    n <- as.integer(token)
    if (n < 1L) fail("has a branch of 0 experts")
    if (n == 1L) NULL else rep(list(NULL), n)
  }
  node <- item()
  if (at <= length(tokens)) fail("has text after its closing ']'")
  node
}

# Leaves under a parsed node.
tree_leaves <- function(node) if (is.null(node)) 1L else sum(vapply(node, tree_leaves, 1L))

# The tree of a tree-gated model: `nodes`, a list (depth-first) of path, children labels ("Comp.k" or
# "Branch.<path>") and each child's experts; `branches`, a named list of the experts (indices) under
# every branch below the root. NULL for other gates.
tree_structure <- function(object) {
  if (!is_tree_gate(object)) return(NULL)
  shape <- sub("^.*shape = ([^,)]+).*$", "\\1", object$gate)
  nodes <- list()
  branches <- list()
  leaf <- 0L
  walk <- function(node, path) {
    index <- length(nodes) + 1L
    nodes[[index]] <<- list(path = path, children = character(0), experts = list())
    for (j in seq_along(node)) {
      child <- node[[j]]
      child_path <- if (path == "root") as.character(j) else paste0(path, ".", j)
      experts <- leaf + seq_len(tree_leaves(child))
      nodes[[index]]$children[j] <<- if (is.null(child)) paste0("Comp.", leaf + 1L) else paste0("Branch.", child_path)
      nodes[[index]]$experts[[j]] <<- experts
      if (is.null(child)) {
        leaf <<- leaf + 1L
      } else {
        branches[[child_path]] <<- experts
        walk(child, child_path)
      }
    }
  }
  walk(tree_parse(shape), "root")
  list(shape = shape, nodes = nodes, branches = branches)
}

is_tree_gate <- function(object) is.character(object$gate) && startsWith(object$gate, "tree(")

# moe()'s `tree` and `gate` as the core's gate text, with K from the tree (a conflicting K is an error).
moe_tree_gate <- function(tree, gate, K) {
  shape <- tree_shape_text(tree)
  leaves <- tree_leaves(tree_parse(shape))
  if (!is.null(K) && K != leaves) {
    stop(sprintf("K = %s conflicts with the tree %s, which has %d experts (leave K out)", format(K),
                 shape, leaves), call. = FALSE)
  }
  if (startsWith(trimws(gate), "tree")) stop("with 'tree', 'gate' names the family of its nodes", call. = FALSE)
  # The tree spec separates its own options by commas, so a node family can carry one option.
  if (grepl(",", gate, fixed = TRUE)) {
    stop(sprintf("with 'tree', the node gate '%s' has several options; a tree node takes at most one", gate),
         call. = FALSE)
  }
  list(gate = sprintf("tree(shape = %s, node = %s)", shape, gate), K = leaves)
}

# A tree gate's parameter blocks ("<node>:<block>") as a named list of matrices, rows named by the
# gate terms where there is one per term and columns by the node's children.
tree_gate_blocks <- function(blocks, spec) {
  object <- list(gate = spec$gate)
  structure <- tree_structure(object)
  children <- stats::setNames(lapply(structure$nodes, `[[`, "children"),
                              vapply(structure$nodes, `[[`, "", "path"))
  out <- lapply(names(blocks), function(name) {
    value <- as.matrix(blocks[[name]])
    labels <- children[[sub(":.*$", "", name)]]
    rows <- if (nrow(value) == length(spec$gate_terms)) spec$gate_terms else NULL
    dimnames(value) <- list(rows, if (ncol(value) == length(labels)) labels else NULL)
    value
  })
  stats::setNames(out, names(blocks))
}
