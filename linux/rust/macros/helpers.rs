// SPDX-License-Identifier: GPL-2.0

//! Token parsing shared by the macros.

use proc_macro::{token_stream, Delimiter, Group, Literal, TokenTree};
use std::iter::Peekable;

/// The tokens of a macro's input, consumed from the front.
pub(crate) type Tokens = Peekable<token_stream::IntoIter>;

/// Panics with a message pointing at the macro invocation; the compiler
/// reports a panic in a proc macro as an error there.
pub(crate) fn error(message: &str) -> ! {
    panic!("{message}")
}

pub(crate) fn try_ident(it: &mut Tokens) -> Option<String> {
    match it.peek() {
        Some(TokenTree::Ident(ident)) => {
            let s = ident.to_string();
            it.next();
            Some(s)
        }
        _ => None,
    }
}

pub(crate) fn expect_ident(it: &mut Tokens) -> String {
    try_ident(it).unwrap_or_else(|| error("expected an identifier"))
}

pub(crate) fn try_punct(it: &mut Tokens, c: char) -> bool {
    match it.peek() {
        Some(TokenTree::Punct(p)) if p.as_char() == c => {
            it.next();
            true
        }
        _ => false,
    }
}

pub(crate) fn expect_punct(it: &mut Tokens, c: char) {
    if !try_punct(it, c) {
        error(&format!("expected `{c}`"));
    }
}

pub(crate) fn expect_group(it: &mut Tokens, delimiter: Delimiter) -> Group {
    match it.next() {
        Some(TokenTree::Group(group)) if group.delimiter() == delimiter => group,
        _ => error(&format!("expected a group delimited by {delimiter:?}")),
    }
}

pub(crate) fn expect_literal(it: &mut Tokens) -> Literal {
    match it.next() {
        Some(TokenTree::Literal(literal)) => literal,
        _ => error("expected a literal"),
    }
}

/// The contents of a plain string literal (no escapes, as is the case for
/// the values `module!` takes).
pub(crate) fn expect_string(it: &mut Tokens) -> String {
    let literal = expect_literal(it).to_string();
    let Some(contents) = literal.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        error(&format!("expected a string literal, got {literal}"));
    };
    if contents.contains('\\') {
        error("escapes are not supported in module information");
    }
    contents.to_owned()
}

/// Everything up to the next comma at this level (or the end), as source
/// text.
pub(crate) fn until_comma(it: &mut Tokens) -> String {
    let mut out = String::new();
    while let Some(tt) = it.next_if(|tt| !matches!(tt, TokenTree::Punct(p) if p.as_char() == ',')) {
        out.push_str(&tt.to_string());
        out.push(' ');
    }
    out
}
