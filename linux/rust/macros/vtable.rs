// SPDX-License-Identifier: GPL-2.0

//! The `#[vtable]` attribute.

use std::collections::HashSet;
use std::fmt::Write;

use proc_macro::{Delimiter, Group, TokenStream, TokenTree};

use crate::helpers::error;

pub(crate) fn vtable(_attr: TokenStream, ts: TokenStream) -> TokenStream {
    let mut tokens: Vec<TokenTree> = ts.into_iter().collect();

    // Whether this is the trait or an implementation of it.
    let is_trait = tokens
        .iter()
        .find_map(|tt| match tt {
            TokenTree::Ident(ident) => match ident.to_string().as_str() {
                "trait" => Some(true),
                "impl" => Some(false),
                _ => None,
            },
            _ => None,
        })
        .unwrap_or_else(|| error("#[vtable] goes on a trait or an impl"));

    // The body is the last token.
    let Some(TokenTree::Group(body)) = tokens.pop() else {
        error("#[vtable] expects a body in braces");
    };
    if body.delimiter() != Delimiter::Brace {
        error("#[vtable] expects a body in braces");
    }

    let mut functions = Vec::new();
    let mut consts = HashSet::new();
    let mut body_it = body.stream().into_iter();
    while let Some(tt) = body_it.next() {
        let TokenTree::Ident(ident) = tt else {
            continue;
        };
        match ident.to_string().as_str() {
            "fn" => {
                if let Some(TokenTree::Ident(name)) = body_it.next() {
                    functions.push(name.to_string());
                }
            }
            "const" => {
                if let Some(TokenTree::Ident(name)) = body_it.next() {
                    consts.insert(name.to_string());
                }
            }
            _ => {}
        }
    }

    let mut extra = String::new();
    if is_trait {
        let _ = writeln!(
            extra,
            "/// Marks the trait as made by `#[vtable]`.
            const USE_VTABLE_ATTR: ();"
        );
    } else {
        let _ = writeln!(extra, "const USE_VTABLE_ATTR: () = ();");
    }
    for name in &functions {
        let konst = format!("HAS_{}", name.to_uppercase());
        // An explicit constant in the source wins.
        if consts.contains(&konst) {
            continue;
        }
        let value = !is_trait;
        if is_trait {
            let _ = writeln!(
                extra,
                "/// Whether the implementation provides `{name}`.
                const {konst}: bool = false;"
            );
        } else {
            let _ = writeln!(extra, "const {konst}: bool = {value};");
        }
    }

    let extra: TokenStream = extra
        .parse()
        .unwrap_or_else(|_| error("#[vtable] generated invalid code"));
    let mut stream = body.stream();
    stream.extend(extra);
    tokens.push(TokenTree::Group(Group::new(Delimiter::Brace, stream)));
    tokens.into_iter().collect()
}
