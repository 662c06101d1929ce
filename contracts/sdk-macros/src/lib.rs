//! Procedural macros of `gasket-sdk`. Use them through the SDK
//! (`gasket_sdk::contract`), which re-exports them; the generated code names
//! `gasket_sdk` paths.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{
    Attribute, Error, FnArg, GenericArgument, Ident, ImplItem, ImplItemFn, ItemImpl, LitByteStr,
    LitStr, Pat, PathArguments, ReturnType, Token, Type, Visibility, parenthesized,
};

/// Turns the `pub fn`s of an inherent `impl` block of a contract's state type
/// into contract methods: exported functions of type `[] -> []` (`ABI.md`).
///
/// ```ignore
/// #[derive(Default, BorshSerialize, BorshDeserialize)]
/// pub struct Counter { count: u64 }
///
/// #[gasket_sdk::contract(state_key = "count")]
/// impl Counter {
///     pub fn increment(&mut self) { self.count += 1; } // overflow (with overflow-checks): reverts "panic: …"
///     pub fn get(&self) -> u64 { self.count }
/// }
/// ```
///
/// # Methods
///
/// Every `pub fn` of the block becomes an export of the same name (private
/// `fn`s stay ordinary helpers). Its input is the borsh encoding of its
/// parameters, in order, as the fields of one struct (the same bytes as the
/// tuple of the parameters; no parameters: the input is not read). A result
/// other than `()` is borsh-encoded into `return_data`. A result of type
/// `Result<T, E>` with `E: AsRef<str>` (`&str`, `String`) returns `T` on `Ok`
/// and reverts with the message on `Err`. Input that does not decode
/// exactly reverts `"invalid input"`.
///
/// The receiver decides what happens to the state, a borsh value stored under
/// one key (`state_key`, default `"state"`):
///
/// | receiver | state | ABI `view` |
/// |---|---|---|
/// | `&self` | loaded, not written back | `true` |
/// | `&mut self` | loaded, written back after the method returns | `false` |
/// | none | not touched | `false`, or `true` with `#[view]` |
///
/// If the contract has a constructor, loading absent state reverts `"not
/// initialized"`; without one, absent state is `Default::default()` (the
/// state type must then implement `Default`).
///
/// **A `&mut self` method's state is written only after it returns.** A
/// method that calls another contract must save its state before the call,
/// or a callee that calls back (re-entrancy) sees the old state and what it
/// writes is overwritten afterwards. The macro implements
/// `gasket_sdk::ContractState` for the state type (`STATE_KEY`,
/// `Self::load()`, `self.save()`) for that; its docs give the rule, and
/// `examples/escrow` the pattern (no receiver: load, check, change, save,
/// then call).
///
/// # Constructor
///
/// A `pub fn` named `init`, or marked `#[init]` (any name), is exported as
/// `init`, which the VM runs at deploy with the deploy arguments. It takes no
/// receiver. If it returns `Self` (or `Result<Self, E>`) the result is the
/// initial state: the generated code first reverts `"already initialized"`
/// if the state key exists, then stores it. If it returns `()` it is an
/// ordinary static method named `init` that manages storage itself.
///
/// # Attribute arguments
///
/// - `state_key = "..."` or `state_key = b"..."`: the storage key of the state
///   (default `"state"`).
/// - `events(topic(field: Type, ...), ...)`: events listed in the ABI JSON
///   (documentation only: emitting them is up to the code). A topic that is
///   not an identifier can be a string literal: `"my-topic"(x: u64)`.
///
/// # ABI JSON
///
/// The macro also emits the custom section `gasket.abi` (one per contract:
/// use the macro on one impl block, and not together with `abi!`; a second
/// use in the crate is error E0428, "the name `__gasket_abi_section` is
/// defined multiple times"):
///
/// ```text
/// {"abi":1,
///  "methods":[{"name":N,"view":B,"args":[{"name":N,"type":T},...],"result":T|null},...],
///  "events":[{"topic":N,"fields":[{"name":N,"type":T},...]},...]}
/// ```
///
/// Methods appear in source order; `args` are the parameters in order
/// (`[]`: no input); `result` is `null` for `()`. Types `T` are strings:
/// `u8` `u16` `u32` `u64` `u128` `i8` … `i128` (`usize`/`isize` are written
/// `u64`/`i64`, as borsh encodes them), `bool`, `string` (`String`, borsh
/// `u32` length + UTF-8), `bytes` (`Vec<u8>`, `u32` length + bytes),
/// `address` (`gasket_sdk::Address`: 32 raw bytes; JSON: 64 hex digits),
/// `option<T>`, `vec<T>`, `array<T,N>` (`[T; N]`: N values, no length),
/// `tuple<T1,T2,...>` and `unit` (`()` nested in another type). Any other
/// type is written as its Rust path (for example `"MyStruct"`): a type the
/// JSON cannot describe, whose borsh encoding tools must not guess. JSON
/// integers of every width are numbers (tools should also accept decimal
/// strings for `u64`..`i128`, which JSON numbers cannot always hold).
#[proc_macro_attribute]
pub fn contract(attr: TokenStream, item: TokenStream) -> TokenStream {
    match expand(attr.into(), item.into()) {
        Ok(ts) => ts.into(),
        Err(e) => e.into_compile_error().into(),
    }
}

/// Arguments of `#[contract(...)]`.
struct ContractArgs {
    state_key: Vec<u8>,
    events: Vec<EventSpec>,
}

struct EventSpec {
    topic: String,
    fields: Vec<(Ident, Type)>,
}

impl Parse for EventSpec {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let topic = if input.peek(LitStr) {
            input.parse::<LitStr>()?.value()
        } else {
            input.parse::<Ident>()?.to_string()
        };
        let content;
        parenthesized!(content in input);
        let fields = Punctuated::<Field, Token![,]>::parse_terminated(&content)?;
        Ok(EventSpec {
            topic,
            fields: fields.into_iter().map(|f| (f.name, f.ty)).collect(),
        })
    }
}

struct Field {
    name: Ident,
    ty: Type,
}

impl Parse for Field {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let name = input.parse()?;
        input.parse::<Token![:]>()?;
        let ty = input.parse()?;
        Ok(Field { name, ty })
    }
}

fn parse_args(attr: TokenStream2) -> syn::Result<ContractArgs> {
    let mut args = ContractArgs {
        state_key: b"state".to_vec(),
        events: Vec::new(),
    };
    let parser = |input: ParseStream| -> syn::Result<()> {
        while !input.is_empty() {
            let name: Ident = input.parse()?;
            if name == "state_key" {
                input.parse::<Token![=]>()?;
                args.state_key = if input.peek(LitByteStr) {
                    input.parse::<LitByteStr>()?.value()
                } else {
                    input.parse::<LitStr>()?.value().into_bytes()
                };
            } else if name == "events" {
                let content;
                parenthesized!(content in input);
                let list = Punctuated::<EventSpec, Token![,]>::parse_terminated(&content)?;
                args.events.extend(list);
            } else {
                return Err(Error::new(
                    name.span(),
                    "expected `state_key = \"...\"` or `events(...)`",
                ));
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(())
    };
    parser.parse2(attr)?;
    Ok(args)
}

/// How a method uses the state.
#[derive(Clone, Copy, PartialEq)]
enum Receiver {
    None,
    Ref,
    Mut,
}

struct Method {
    /// The Rust name.
    ident: Ident,
    /// The exported name.
    export: String,
    receiver: Receiver,
    view: bool,
    /// Constructor returning the state.
    ctor: bool,
    args: Vec<(Ident, Type)>,
    /// The result type after unwrapping `Result<T, E>`; `None` for `()`.
    result: Option<Type>,
    /// Whether the declared result is a `Result<_, _>`.
    fallible: bool,
}

/// Removes the attribute named `name` from `attrs`; whether it was there.
fn take_attr(attrs: &mut Vec<Attribute>, name: &str) -> bool {
    let before = attrs.len();
    attrs.retain(|a| !a.path().is_ident(name));
    attrs.len() != before
}

/// `Result<T, E>` → `Some(T)`.
fn result_ok_type(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(a) = &seg.arguments else {
        return None;
    };
    if a.args.len() != 2 {
        return None;
    }
    match a.args.first()? {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

fn is_unit(ty: &Type) -> bool {
    matches!(ty, Type::Tuple(t) if t.elems.is_empty())
}

fn is_self(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident("Self"))
}

fn parse_method(f: &mut ImplItemFn, self_ty: &Type) -> syn::Result<Option<Method>> {
    let is_init_attr = take_attr(&mut f.attrs, "init");
    let is_view_attr = take_attr(&mut f.attrs, "view");
    if !matches!(f.vis, Visibility::Public(_)) {
        if is_init_attr || is_view_attr {
            return Err(Error::new_spanned(
                &f.sig.ident,
                "#[init] and #[view] need a `pub fn` (only `pub fn`s are exported)",
            ));
        }
        return Ok(None);
    }
    let sig = &f.sig;
    if !sig.generics.params.is_empty() || sig.asyncness.is_some() || sig.variadic.is_some() {
        return Err(Error::new_spanned(
            &sig.ident,
            "contract methods cannot be generic, async or variadic",
        ));
    }
    let name = sig.ident.to_string();
    let is_init = is_init_attr || name == "init";
    let mut receiver = Receiver::None;
    let mut args = Vec::new();
    for arg in &sig.inputs {
        match arg {
            FnArg::Receiver(r) => {
                receiver = match &r.kind {
                    syn::ReceiverKind::Reference(_, _, None) => Receiver::Ref,
                    syn::ReceiverKind::Reference(_, _, Some(_)) => Receiver::Mut,
                    _ => {
                        return Err(Error::new_spanned(
                            r,
                            "contract methods take `&self`, `&mut self` or no receiver",
                        ));
                    }
                };
            }
            FnArg::Typed(pt) => {
                let Pat::Ident(pi) = &*pt.pat else {
                    return Err(Error::new_spanned(
                        &pt.pat,
                        "contract method parameters must be plain names (they name the ABI arguments)",
                    ));
                };
                if matches!(&*pt.ty, Type::Reference(_)) {
                    return Err(Error::new_spanned(
                        &pt.ty,
                        "contract method parameters must be owned (borsh-decoded) types",
                    ));
                }
                args.push((pi.ident.clone(), (*pt.ty).clone()));
            }
        }
    }
    if is_init && receiver != Receiver::None {
        return Err(Error::new_spanned(
            &sig.ident,
            "the constructor takes no `self`: it returns the initial state (`Self`) or `()`",
        ));
    }
    if is_view_attr && receiver == Receiver::Mut {
        return Err(Error::new_spanned(
            &sig.ident,
            "#[view] on a `&mut self` method: views cannot write state",
        ));
    }
    let (mut result, fallible) = match &sig.output {
        ReturnType::Default => (None, false),
        ReturnType::Type(_, ty) => match result_ok_type(ty) {
            Some(ok) => (Some(ok.clone()), true),
            None => (Some((**ty).clone()), false),
        },
    };
    if result.as_ref().is_some_and(is_unit) {
        result = None;
    }
    let mut ctor = false;
    if is_init && let Some(r) = &result {
        if is_self(r) || quote!(#r).to_string() == quote!(#self_ty).to_string() {
            ctor = true;
            result = None;
        } else {
            return Err(Error::new_spanned(
                r,
                "the constructor returns `Self`, `Result<Self, E>` or `()`",
            ));
        }
    }
    Ok(Some(Method {
        ident: sig.ident.clone(),
        export: if is_init { "init".into() } else { name },
        receiver,
        view: receiver == Receiver::Ref || is_view_attr,
        ctor,
        args,
        result,
        fallible,
    }))
}

fn expand(attr: TokenStream2, item: TokenStream2) -> syn::Result<TokenStream2> {
    let args = parse_args(attr)?;
    let mut imp: ItemImpl = syn::parse2(item)?;
    if imp.trait_.is_some() || !imp.generics.params.is_empty() {
        return Err(Error::new_spanned(
            &imp.self_ty,
            "#[contract] goes on a non-generic inherent impl block (`impl State { ... }`)",
        ));
    }
    let self_ty = (*imp.self_ty).clone();
    let mut methods = Vec::new();
    for it in &mut imp.items {
        if let ImplItem::Fn(f) = it
            && let Some(m) = parse_method(f, &self_ty)?
        {
            methods.push(m);
        }
    }
    let inits = methods.iter().filter(|m| m.export == "init").count();
    if inits > 1 {
        return Err(Error::new_spanned(
            &imp.self_ty,
            "more than one constructor (`init` or #[init])",
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for m in &methods {
        if !seen.insert(m.export.clone()) {
            return Err(Error::new_spanned(
                &m.ident,
                format!("two methods are exported as `{}`", m.export),
            ));
        }
        if m.export.starts_with("__gasket") {
            return Err(Error::new_spanned(
                &m.ident,
                "names starting with `__gasket` are reserved",
            ));
        }
    }
    let has_ctor = methods.iter().any(|m| m.ctor);
    let key = LitByteStr::new(&args.state_key, Span::call_site());

    let exports = methods.iter().map(|m| {
        let ident = &m.ident;
        let export = &m.export;
        let wrapper = format_ident!("__gasket_export_{}", m.export);
        let names: Vec<_> = m.args.iter().map(|(n, _)| n).collect();
        let types: Vec<_> = m.args.iter().map(|(_, t)| t).collect();
        let decode = if names.is_empty() {
            quote!()
        } else {
            quote!(let (#(#names,)*): (#(#types,)*) = ::gasket_sdk::input_borsh();)
        };
        let load = if has_ctor {
            quote!(::gasket_sdk::__private::load_state::<Self>(#key))
        } else {
            quote!(::gasket_sdk::__private::load_state_or_default::<Self>(#key))
        };
        let mut call = match m.receiver {
            Receiver::None => quote!(Self::#ident(#(#names),*)),
            Receiver::Ref => quote!(#load.#ident(#(#names),*)),
            Receiver::Mut => quote!(__gasket_state.#ident(#(#names),*)),
        };
        if m.fallible {
            call = quote!(::gasket_sdk::__private::unwrap_or_revert(#call));
        }
        let body = if m.ctor {
            quote! {
                ::gasket_sdk::__private::init_guard(#key);
                #decode
                ::gasket_sdk::__private::save_state(#key, &#call);
            }
        } else {
            let (pre, post) = if m.receiver == Receiver::Mut {
                (
                    quote!(let mut __gasket_state = #load;),
                    quote!(::gasket_sdk::__private::save_state(#key, &__gasket_state);),
                )
            } else {
                (quote!(), quote!())
            };
            let ret = if m.result.is_some() {
                quote!(::gasket_sdk::return_borsh(&__gasket_result);)
            } else {
                quote!(let () = __gasket_result;)
            };
            quote! {
                #decode
                #pre
                let __gasket_result = #call;
                #post
                #ret
            }
        };
        quote! {
            #[doc(hidden)]
            #[unsafe(export_name = #export)]
            pub extern "C" fn #wrapper() {
                #body
            }
        }
    });

    let json = abi_json(&methods, &args.events);
    let json_lit = LitByteStr::new(json.as_bytes(), Span::call_site());
    let json_len = json.len();

    Ok(quote! {
        #imp

        #[allow(non_snake_case, clippy::unused_unit)]
        impl #self_ty {
            #(#exports)*
        }

        impl ::gasket_sdk::ContractState for #self_ty {
            const STATE_KEY: &'static [u8] = #key;
        }

        // A second `#[contract]` (or `abi!`) in the crate would append a
        // second JSON document to the section. This `#[macro_export]` macro
        // lives at the crate root wherever the attribute is used, so a
        // second one is "the name `__gasket_abi_section` is defined multiple
        // times". (A `no_mangle` static would catch it too, across crates
        // as well, but an exported symbol gets an address: wasm-ld copies
        // the JSON into the data segment as well, +1,068 bytes for token.)
        #[doc(hidden)]
        #[macro_export]
        macro_rules! __gasket_abi_section {
            () => {};
        }

        // No `#[used]`: on wasm that would also copy the bytes into the data
        // segment; a `link_section` static is kept as a custom section anyway.
        const _: () = {
            #[unsafe(link_section = "gasket.abi")]
            #[allow(dead_code)]
            static GASKET_ABI_SECTION: [u8; #json_len] = *#json_lit;
        };
    })
}

// ----------------------------------------------------------------- ABI JSON

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_fields(out: &mut String, fields: &[(Ident, Type)]) {
    out.push('[');
    for (i, (name, ty)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"name\":");
        json_str(out, &name.to_string());
        out.push_str(",\"type\":");
        json_str(out, &abi_type(ty));
        out.push('}');
    }
    out.push(']');
}

fn abi_json(methods: &[Method], events: &[EventSpec]) -> String {
    let mut out = String::from("{\"abi\":1,\"methods\":[");
    for (i, m) in methods.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"name\":");
        json_str(&mut out, &m.export);
        out.push_str(if m.view {
            ",\"view\":true,\"args\":"
        } else {
            ",\"view\":false,\"args\":"
        });
        json_fields(&mut out, &m.args);
        out.push_str(",\"result\":");
        match &m.result {
            Some(t) => json_str(&mut out, &abi_type(t)),
            None => out.push_str("null"),
        }
        out.push('}');
    }
    out.push_str("],\"events\":[");
    for (i, e) in events.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"topic\":");
        json_str(&mut out, &e.topic);
        out.push_str(",\"fields\":");
        json_fields(&mut out, &e.fields);
        out.push('}');
    }
    out.push_str("]}");
    out
}

/// The single type argument of `X<T>`.
fn single_arg(args: &PathArguments) -> Option<&Type> {
    let PathArguments::AngleBracketed(a) = args else {
        return None;
    };
    if a.args.len() != 1 {
        return None;
    }
    match a.args.first()? {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

/// The ABI JSON name of a Rust type (see [`contract`]).
fn abi_type(ty: &Type) -> String {
    let verbatim = || quote!(#ty).to_string().replace(' ', "");
    match ty {
        Type::Paren(p) => abi_type(&p.elem),
        Type::Group(g) => abi_type(&g.elem),
        Type::Tuple(t) if t.elems.is_empty() => "unit".into(),
        Type::Tuple(t) => {
            let inner: Vec<String> = t.elems.iter().map(abi_type).collect();
            format!("tuple<{}>", inner.join(","))
        }
        Type::Array(a) => {
            let len = &a.len;
            format!(
                "array<{},{}>",
                abi_type(&a.elem),
                quote!(#len).to_string().replace(' ', "")
            )
        }
        Type::Path(p) if p.qself.is_none() => {
            let Some(seg) = p.path.segments.last() else {
                return verbatim();
            };
            let name = seg.ident.to_string();
            match (name.as_str(), &seg.arguments) {
                (
                    "u8" | "u16" | "u32" | "u64" | "u128" | "i8" | "i16" | "i32" | "i64" | "i128"
                    | "bool",
                    PathArguments::None,
                ) => name,
                ("usize", PathArguments::None) => "u64".into(),
                ("isize", PathArguments::None) => "i64".into(),
                ("String", PathArguments::None) => "string".into(),
                ("Address", PathArguments::None) => "address".into(),
                ("Vec" | "Option" | "Box", args) => match single_arg(args) {
                    Some(inner) => {
                        let inner_name = abi_type(inner);
                        match name.as_str() {
                            "Vec" if inner_name == "u8" => "bytes".into(),
                            "Vec" => format!("vec<{inner_name}>"),
                            "Option" => format!("option<{inner_name}>"),
                            _ => inner_name,
                        }
                    }
                    None => verbatim(),
                },
                _ => verbatim(),
            }
        }
        _ => verbatim(),
    }
}

// Host-side tests (the workspace's default target is wasm32):
//   cargo test -p gasket-sdk-macros --target x86_64-unknown-linux-gnu
#[cfg(test)]
mod tests {
    use super::*;

    fn json(attr: TokenStream2, item: TokenStream2) -> String {
        let out = expand(attr, item).unwrap().to_string();
        // The JSON is the one byte-string literal `b"{...}"` in the output.
        let start = out.find("b\"{").unwrap() + 2;
        let end = out[start..].find("}\"").unwrap() + start + 1;
        out[start..end].replace("\\\"", "\"")
    }

    #[test]
    fn counter_json_matches_the_hand_written_one() {
        let j = json(
            quote!(state_key = "count"),
            quote! {
                impl Counter {
                    pub fn increment(&mut self) -> Result<(), &'static str> { Ok(()) }
                    pub fn get(&self) -> u64 { self.count }
                    fn helper(&self) {}
                }
            },
        );
        assert_eq!(
            j,
            r#"{"abi":1,"methods":[{"name":"increment","view":false,"args":[],"result":null},{"name":"get","view":true,"args":[],"result":"u64"}],"events":[]}"#
        );
    }

    #[test]
    fn types_views_init_and_events() {
        let j = json(
            quote!(events(t(a: u8), "x-y"(b: Vec<u8>))),
            quote! {
                impl S {
                    #[init]
                    pub fn new(owner: Address) -> Result<Self, String> { todo!() }
                    #[view]
                    pub fn f(a: [u8; 4], b: (u32, bool), c: Option<Vec<u8>>, d: usize, e: Vec<String>) -> (u8, ()) { todo!() }
                    pub fn g(x: my::Thing) -> Box<i128> { todo!() }
                }
            },
        );
        assert_eq!(
            j,
            r#"{"abi":1,"methods":[{"name":"init","view":false,"args":[{"name":"owner","type":"address"}],"result":null},{"name":"f","view":true,"args":[{"name":"a","type":"array<u8,4>"},{"name":"b","type":"tuple<u32,bool>"},{"name":"c","type":"option<bytes>"},{"name":"d","type":"u64"},{"name":"e","type":"vec<string>"}],"result":"tuple<u8,unit>"},{"name":"g","view":false,"args":[{"name":"x","type":"my::Thing"}],"result":"i128"}],"events":[{"topic":"t","fields":[{"name":"a","type":"u8"}]},{"topic":"x-y","fields":[{"name":"b","type":"bytes"}]}]}"#
        );
    }

    /// Every expansion defines the crate-root macro that makes a second
    /// `#[contract]` in the crate error E0428 (checked by hand: two in
    /// different modules of `examples/counter` fail to compile), and
    /// implements `ContractState` with the state key.
    #[test]
    fn expansion_has_the_one_per_crate_guard_and_contract_state() {
        let out = expand(
            quote!(state_key = "k"),
            quote!(impl S { pub fn get(&self) -> u8 { 0 } }),
        )
        .unwrap()
        .to_string();
        assert!(
            out.contains("# [macro_export] macro_rules ! __gasket_abi_section"),
            "{out}"
        );
        assert!(
            out.contains("impl :: gasket_sdk :: ContractState for S { const STATE_KEY : & 'static [u8] = b\"k\" ; }"),
            "{out}"
        );
        assert!(
            !out.contains("no_mangle") && !out.contains("export_name = \"gasket"),
            "{out}"
        );
    }

    #[test]
    fn rejects_bad_signatures() {
        for item in [
            quote!(impl S { pub fn init(&self) {} }),
            quote!(impl S { #[view] pub fn m(&mut self) {} }),
            quote!(impl S { pub fn m(&self, (a, b): (u8, u8)) {} }),
            quote!(impl S { pub fn m(&self, a: &str) {} }),
            quote!(impl S { pub fn m<T>(&self) {} }),
            quote!(impl S { pub fn m(self) {} }),
            quote!(impl S { pub fn init() -> u8 { 0 } }),
            quote!(impl S { pub fn init() -> Self { S } #[init] pub fn new() -> Self { S } }),
            quote!(impl Tr for S {}),
        ] {
            assert!(expand(quote!(), item.clone()).is_err(), "{item}");
        }
        assert!(expand(quote!(nonsense = 1), quote!(impl S {})).is_err());
    }
}
