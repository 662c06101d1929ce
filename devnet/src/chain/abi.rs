//! The contract ABI JSON (`gasket.abi` custom section, written by the SDK's
//! `#[contract]` macro) and the JSON ⇄ borsh codec built on it.
//!
//! Types are the macro's strings: `u8`…`u128`, `i8`…`i128`, `bool`,
//! `string`, `bytes`, `address`, `option<T>`, `vec<T>`, `array<T,N>`,
//! `tuple<T1,...>`, `unit`; anything else is an opaque Rust path that tools
//! must not guess (encoding it is an error naming the type).
//!
//! JSON conventions, both ways:
//!
//! | type | JSON in | JSON out |
//! |---|---|---|
//! | `u8`…`u64`, `i8`…`i64` | number or decimal string | number |
//! | `u128`, `i128` | number or decimal string | decimal string (JSON numbers cannot hold them) |
//! | `bool` / `string` | boolean / string | same |
//! | `bytes` | hex string (`0x` optional) | hex string |
//! | `address` | 64 hex digits, or a name the resolver knows (dev accounts) | 64 hex digits |
//! | `option<T>` | `null` or the value | same |
//! | `vec<T>`, `array<T,N>`, `tuple<...>` | array | array |
//! | `unit` | `null` | `null` |
//!
//! Method arguments are an object by argument name, or an array in order; a
//! method with one argument also takes the bare value.
//!
//! Decoding is bounded by its input: a `vec` or `array` whose count needs
//! more bytes than are left is an error before any element is read, and
//! elements that take no bytes (`unit`, `tuple<>`, `array<T,0>`) count
//! against [`MAX_ZERO_SIZED_ELEMENTS`] per decode, so a count read from
//! a contract's return data cannot make the decoder loop or allocate
//! without end.

use std::fmt;

use serde::Deserialize;
use serde_json::{Map, Value};

/// Name of the custom section holding the ABI JSON.
pub const ABI_SECTION: &str = "gasket.abi";

/// How many elements of zero-sized types (which consume no bytes, so
/// nothing else bounds them) one [`decode`] produces at most.
pub const MAX_ZERO_SIZED_ELEMENTS: usize = 1024;

/// A type of the ABI JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum AbiType {
    U8,
    U16,
    U32,
    U64,
    U128,
    I8,
    I16,
    I32,
    I64,
    I128,
    Bool,
    String,
    Bytes,
    Address,
    Unit,
    Option(Box<AbiType>),
    Vec(Box<AbiType>),
    Array(Box<AbiType>, usize),
    Tuple(Vec<AbiType>),
    /// A Rust type the ABI cannot describe (its path).
    Opaque(String),
}

/// How deep type parameters nest at most (`option<vec<u8>>` is 2): the
/// parser and every walk of a type recurse once per level.
pub const MAX_TYPE_DEPTH: usize = 32;

/// The longest `array<T,N>`: borsh lengths are u32, and a wasm32 contract
/// cannot hold a longer array.
pub const MAX_ARRAY_LEN: usize = u32::MAX as usize;

impl AbiType {
    /// Parses a type string of the ABI JSON.
    pub fn parse(text: &str) -> Result<AbiType, AbiError> {
        AbiType::parse_at(text, 0, 0).map_err(|(offset, fault)| AbiError::BadType {
            ty: abbreviate(text, 80),
            offset,
            fault,
        })
    }

    /// Parses `text`, found at byte `offset` of the whole type string and
    /// nested `depth` levels deep.
    fn parse_at(text: &str, offset: usize, depth: usize) -> Result<AbiType, (usize, TypeFault)> {
        let trimmed = text.trim_start();
        let offset = offset + (text.len() - trimmed.len());
        let text = trimmed.trim_end();
        let simple = match text {
            "u8" => Some(AbiType::U8),
            "u16" => Some(AbiType::U16),
            "u32" => Some(AbiType::U32),
            "u64" => Some(AbiType::U64),
            "u128" => Some(AbiType::U128),
            "i8" => Some(AbiType::I8),
            "i16" => Some(AbiType::I16),
            "i32" => Some(AbiType::I32),
            "i64" => Some(AbiType::I64),
            "i128" => Some(AbiType::I128),
            "bool" => Some(AbiType::Bool),
            "string" => Some(AbiType::String),
            "bytes" => Some(AbiType::Bytes),
            "address" => Some(AbiType::Address),
            "unit" => Some(AbiType::Unit),
            _ => None,
        };
        if let Some(ty) = simple {
            return Ok(ty);
        }
        let Some((head, rest)) = text.split_once('<') else {
            return Ok(AbiType::Opaque(text.to_string()));
        };
        let Some(inner) = rest.strip_suffix('>') else {
            return Ok(AbiType::Opaque(text.to_string()));
        };
        let inner_offset = offset + head.len() + 1;
        let param = |&(at, t): &(usize, &str)| {
            if depth + 1 > MAX_TYPE_DEPTH {
                return Err((inner_offset + at, TypeFault::TooDeep));
            }
            AbiType::parse_at(t, inner_offset + at, depth + 1)
        };
        let params = |expected| {
            Err((
                offset,
                TypeFault::Params {
                    head: head.into(),
                    expected,
                },
            ))
        };
        match (head, split_top_level(inner).as_slice()) {
            ("option", [t]) => Ok(AbiType::Option(Box::new(param(t)?))),
            ("vec", [t]) => Ok(AbiType::Vec(Box::new(param(t)?))),
            ("array", [t, (at, n)]) => {
                let len_at = inner_offset + at;
                let len: usize = n.trim().parse().map_err(|_| (len_at, TypeFault::Length))?;
                if len > MAX_ARRAY_LEN {
                    return Err((len_at, TypeFault::Length));
                }
                Ok(AbiType::Array(Box::new(param(t)?), len))
            }
            ("tuple", elems) => Ok(AbiType::Tuple(
                elems.iter().map(param).collect::<Result<_, _>>()?,
            )),
            ("option" | "vec", _) => params("one type"),
            ("array", _) => params("a type and a length"),
            _ => Ok(AbiType::Opaque(text.to_string())),
        }
    }

    /// The fewest bytes a borsh value of this type takes (0: every value
    /// takes none). An opaque type, which never decodes, counts 0.
    fn min_len(&self) -> usize {
        match self {
            AbiType::U8 | AbiType::I8 | AbiType::Bool | AbiType::Option(_) => 1,
            AbiType::U16 | AbiType::I16 => 2,
            AbiType::U32 | AbiType::I32 | AbiType::String | AbiType::Bytes | AbiType::Vec(_) => 4,
            AbiType::U64 | AbiType::I64 => 8,
            AbiType::U128 | AbiType::I128 => 16,
            AbiType::Address => 32,
            AbiType::Unit | AbiType::Opaque(_) => 0,
            AbiType::Array(inner, n) => inner.min_len().saturating_mul(*n),
            AbiType::Tuple(types) => types
                .iter()
                .fold(0, |sum, t| sum.saturating_add(t.min_len())),
        }
    }
}

impl fmt::Display for AbiType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AbiType::Option(t) => write!(f, "option<{t}>"),
            AbiType::Vec(t) => write!(f, "vec<{t}>"),
            AbiType::Array(t, n) => write!(f, "array<{t},{n}>"),
            AbiType::Tuple(ts) => {
                f.write_str("tuple<")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str(">")
            }
            AbiType::Opaque(path) => f.write_str(path),
            simple => f.write_str(&format!("{simple:?}").to_lowercase()),
        }
    }
}

/// Splits `a,b<c,d>,e` at the commas outside angle brackets, with the
/// byte offset of each part in `text`.
fn split_top_level(text: &str) -> Vec<(usize, &str)> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i64, 0);
    for (i, c) in text.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => {
                parts.push((start, &text[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    if !text.trim().is_empty() {
        parts.push((start, &text[start..]));
    }
    parts
}

/// A named, typed field (method argument or event field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: AbiType,
}

/// One method of the ABI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    /// Exported name.
    pub name: String,
    /// Whether it is a view.
    pub view: bool,
    /// Arguments, in order.
    pub args: Vec<Field>,
    /// Result type; `None` for `()`.
    pub result: Option<AbiType>,
}

/// One event of the ABI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventAbi {
    /// Its topic.
    pub topic: String,
    /// Its data fields, borsh in order.
    pub fields: Vec<Field>,
}

/// A contract's ABI.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContractAbi {
    /// Methods, in source order.
    pub methods: Vec<Method>,
    /// Events.
    pub events: Vec<EventAbi>,
}

#[derive(Deserialize)]
struct RawField {
    name: String,
    #[serde(rename = "type")]
    ty: String,
}

#[derive(Deserialize)]
struct RawMethod {
    name: String,
    view: bool,
    args: Vec<RawField>,
    result: Option<String>,
}

#[derive(Deserialize)]
struct RawEvent {
    topic: String,
    fields: Vec<RawField>,
}

#[derive(Deserialize)]
struct RawAbi {
    abi: u32,
    methods: Vec<RawMethod>,
    #[serde(default)]
    events: Vec<RawEvent>,
}

fn fields(raw: Vec<RawField>) -> Result<Vec<Field>, AbiError> {
    raw.into_iter()
        .map(|f| {
            Ok(Field {
                ty: AbiType::parse(&f.ty)?,
                name: f.name,
            })
        })
        .collect()
}

impl ContractAbi {
    /// Parses the ABI JSON.
    pub fn from_json(json: &[u8]) -> Result<ContractAbi, AbiError> {
        let raw: RawAbi =
            serde_json::from_slice(json).map_err(|e| AbiError::BadSection(e.to_string()))?;
        if raw.abi != 1 {
            return Err(AbiError::BadSection(format!(
                "ABI version {} (this tool reads version 1)",
                raw.abi
            )));
        }
        let methods = raw
            .methods
            .into_iter()
            .map(|m| {
                Ok(Method {
                    name: m.name,
                    view: m.view,
                    args: fields(m.args)?,
                    result: m.result.as_deref().map(AbiType::parse).transpose()?,
                })
            })
            .collect::<Result<_, AbiError>>()?;
        let events = raw
            .events
            .into_iter()
            .map(|e| {
                Ok(EventAbi {
                    topic: e.topic,
                    fields: fields(e.fields)?,
                })
            })
            .collect::<Result<_, AbiError>>()?;
        Ok(ContractAbi { methods, events })
    }

    /// The ABI in a module's `gasket.abi` section: `Ok(None)` without one.
    pub fn from_wasm(wasm: &[u8]) -> Result<Option<ContractAbi>, AbiError> {
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            let Ok(payload) = payload else {
                // Malformed modules are reported by the metering gate.
                return Ok(None);
            };
            if let wasmparser::Payload::CustomSection(section) = payload
                && section.name() == ABI_SECTION
            {
                return ContractAbi::from_json(section.data()).map(Some);
            }
        }
        Ok(None)
    }

    /// The method of that name.
    pub fn method(&self, name: &str) -> Result<&Method, AbiError> {
        self.methods
            .iter()
            .find(|m| m.name == name)
            .ok_or_else(|| AbiError::UnknownMethod {
                method: name.to_string(),
                known: self
                    .methods
                    .iter()
                    .map(|m| m.name.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// Decodes an event's data to a JSON object by its topic; `None` if the
    /// ABI does not list the topic or the data does not decode.
    pub fn decode_event(&self, topic: &[u8], data: &[u8]) -> Option<Value> {
        let event = self.events.iter().find(|e| e.topic.as_bytes() == topic)?;
        let types: Vec<AbiType> = event.fields.iter().map(|f| f.ty.clone()).collect();
        let Value::Array(values) = decode(&AbiType::Tuple(types), data).ok()? else {
            return None;
        };
        let object: Map<String, Value> = event
            .fields
            .iter()
            .map(|f| f.name.clone())
            .zip(values)
            .collect();
        Some(Value::Object(object))
    }
}

/// What went wrong encoding or decoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AbiError {
    /// The `gasket.abi` section is not the macro's JSON.
    #[error("bad gasket.abi section: {0}")]
    BadSection(String),
    /// A type string that does not parse.
    #[error("bad ABI type `{ty}` at offset {offset}: {fault}")]
    BadType {
        /// The type string (abbreviated).
        ty: String,
        /// The byte offset of the fault in it.
        offset: usize,
        /// What is wrong there.
        fault: TypeFault,
    },
    /// No such method in the ABI.
    #[error("no method `{method}` in the contract's ABI (methods: {known})")]
    UnknownMethod {
        /// The method asked for.
        method: String,
        /// The methods there are.
        known: String,
    },
    /// A JSON value that does not fit its type.
    #[error("argument {path}: expected {expected}, got {got}")]
    Mismatch {
        /// Where in the arguments (`amount`, `to[2]`).
        path: String,
        /// The ABI type.
        expected: String,
        /// The JSON found.
        got: String,
    },
    /// The arguments do not match the method's parameter list.
    #[error("method `{method}` takes {expected}; got {got}")]
    Arity {
        /// The method.
        method: String,
        /// Its parameters.
        expected: String,
        /// What was given.
        got: String,
    },
    /// A type the ABI cannot describe.
    #[error(
        "argument {path}: type `{ty}` is not described by the ABI; pass raw bytes with --args-hex"
    )]
    Opaque {
        /// Where.
        path: String,
        /// The Rust path.
        ty: String,
    },
    /// Borsh bytes that do not decode as the type.
    #[error("cannot decode {what} as {ty}: {reason}")]
    Decode {
        /// Result, event, ...
        what: String,
        /// The type.
        ty: String,
        /// Why.
        reason: String,
    },
}

/// What is wrong in a type string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypeFault {
    /// `option`, `vec` or `array` with the wrong parameters.
    #[error("`{head}` takes {expected}")]
    Params {
        /// `option`, `vec` or `array`.
        head: String,
        /// What it takes.
        expected: &'static str,
    },
    /// An array length that is not a number up to [`MAX_ARRAY_LEN`].
    #[error("the array length is not a number up to {MAX_ARRAY_LEN}")]
    Length,
    /// Parameters nested deeper than [`MAX_TYPE_DEPTH`].
    #[error("type parameters nest deeper than {MAX_TYPE_DEPTH} levels")]
    TooDeep,
}

/// Resolves names (dev accounts, aliases) in `address` arguments.
pub type Resolver<'a> = &'a dyn Fn(&str) -> Option<[u8; 32]>;

/// Encodes a method's JSON arguments (see the module docs) to borsh.
pub fn encode_args(
    method: &Method,
    args: &Value,
    resolve: Resolver<'_>,
) -> Result<Vec<u8>, AbiError> {
    let expected = || {
        let list: Vec<String> = method
            .args
            .iter()
            .map(|f| format!("{}: {}", f.name, f.ty))
            .collect();
        format!("({})", list.join(", "))
    };
    let arity = |got: String| AbiError::Arity {
        method: method.name.clone(),
        expected: expected(),
        got,
    };
    let values: Vec<&Value> = match (args, method.args.as_slice()) {
        (Value::Null, []) => Vec::new(),
        (Value::Object(map), [only]) if !(map.len() == 1 && map.contains_key(&only.name)) => {
            vec![args]
        }
        (Value::Object(map), _) => {
            if let Some(extra) = map
                .keys()
                .find(|k| !method.args.iter().any(|f| &f.name == *k))
            {
                return Err(arity(format!("unknown argument `{extra}`")));
            }
            method
                .args
                .iter()
                .map(|f| {
                    map.get(&f.name)
                        .ok_or_else(|| arity(format!("no `{}`", f.name)))
                })
                .collect::<Result<_, _>>()?
        }
        (Value::Array(items), params) if params.len() != 1 => {
            if items.len() != params.len() {
                return Err(arity(format!("{} values", items.len())));
            }
            items.iter().collect()
        }
        (other, [_]) => vec![other],
        (other, _) => return Err(arity(short(other))),
    };
    let mut out = Vec::new();
    for (field, value) in method.args.iter().zip(values) {
        encode_value(&field.ty, value, &field.name, resolve, &mut out)?;
    }
    Ok(out)
}

/// A JSON value, abbreviated for messages.
fn short(value: &Value) -> String {
    abbreviate(&value.to_string(), 40)
}

/// `text` cut to at most `max` bytes (on a char boundary), `…` marking a cut.
fn abbreviate(text: &str, max: usize) -> String {
    if text.len() > max {
        let cut = (0..=max)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        format!("{}…", &text[..cut])
    } else {
        text.to_string()
    }
}

/// An integer from a JSON number or decimal string.
fn integer(value: &Value) -> Option<i128> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Parses hex (an optional `0x` prefix).
pub fn parse_hex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    let text = text.strip_prefix("0x").unwrap_or(text);
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// Lowercase hex.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Encodes one JSON value of type `ty` to borsh, appending to `out`.
pub fn encode_value(
    ty: &AbiType,
    value: &Value,
    path: &str,
    resolve: Resolver<'_>,
    out: &mut Vec<u8>,
) -> Result<(), AbiError> {
    let mismatch = || AbiError::Mismatch {
        path: path.to_string(),
        expected: ty.to_string(),
        got: short(value),
    };
    macro_rules! int {
        ($t:ty) => {{
            let n = match value {
                // u128/i128 beyond 64 bits come as strings.
                Value::String(s) => s.trim().parse::<$t>().map_err(|_| mismatch())?,
                _ => {
                    <$t>::try_from(integer(value).ok_or_else(mismatch)?).map_err(|_| mismatch())?
                }
            };
            out.extend_from_slice(&n.to_le_bytes());
        }};
    }
    match ty {
        AbiType::U8 => int!(u8),
        AbiType::U16 => int!(u16),
        AbiType::U32 => int!(u32),
        AbiType::U64 => int!(u64),
        AbiType::U128 => int!(u128),
        AbiType::I8 => int!(i8),
        AbiType::I16 => int!(i16),
        AbiType::I32 => int!(i32),
        AbiType::I64 => int!(i64),
        AbiType::I128 => int!(i128),
        AbiType::Bool => out.push(value.as_bool().ok_or_else(mismatch)? as u8),
        AbiType::String => {
            let s = value.as_str().ok_or_else(mismatch)?;
            out.extend_from_slice(&(s.len() as u32).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        }
        AbiType::Bytes => {
            let bytes = value.as_str().and_then(parse_hex).ok_or_else(mismatch)?;
            out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            out.extend_from_slice(&bytes);
        }
        AbiType::Address => {
            let text = value.as_str().ok_or_else(mismatch)?;
            let address = match parse_hex(text) {
                Some(bytes) if bytes.len() == 32 => bytes.try_into().ok(),
                _ => resolve(text),
            }
            .ok_or_else(|| AbiError::Mismatch {
                path: path.to_string(),
                expected: "address (64 hex digits or a dev account name)".into(),
                got: short(value),
            })?;
            out.extend_from_slice(&address);
        }
        AbiType::Unit => {
            if !value.is_null() {
                return Err(mismatch());
            }
        }
        AbiType::Option(inner) => {
            if value.is_null() {
                out.push(0);
            } else {
                out.push(1);
                encode_value(inner, value, path, resolve, out)?;
            }
        }
        AbiType::Vec(inner) => {
            let items = value.as_array().ok_or_else(mismatch)?;
            out.extend_from_slice(&(items.len() as u32).to_le_bytes());
            for (i, item) in items.iter().enumerate() {
                encode_value(inner, item, &format!("{path}[{i}]"), resolve, out)?;
            }
        }
        AbiType::Array(inner, len) => {
            if **inner == AbiType::U8
                && let Some(bytes) = value.as_str().and_then(parse_hex)
            {
                if bytes.len() != *len {
                    return Err(mismatch());
                }
                out.extend_from_slice(&bytes);
                return Ok(());
            }
            let items = value.as_array().ok_or_else(mismatch)?;
            if items.len() != *len {
                return Err(mismatch());
            }
            for (i, item) in items.iter().enumerate() {
                encode_value(inner, item, &format!("{path}[{i}]"), resolve, out)?;
            }
        }
        AbiType::Tuple(types) => {
            let items = value.as_array().ok_or_else(mismatch)?;
            if items.len() != types.len() {
                return Err(mismatch());
            }
            for (i, (t, item)) in types.iter().zip(items).enumerate() {
                encode_value(t, item, &format!("{path}.{i}"), resolve, out)?;
            }
        }
        AbiType::Opaque(name) => {
            return Err(AbiError::Opaque {
                path: path.to_string(),
                ty: name.clone(),
            });
        }
    }
    Ok(())
}

/// Decodes borsh bytes of type `ty` to JSON; every byte must be used.
pub fn decode(ty: &AbiType, bytes: &[u8]) -> Result<Value, AbiError> {
    let mut reader = Reader {
        bytes,
        pos: 0,
        zero_sized_left: MAX_ZERO_SIZED_ELEMENTS,
    };
    let fail = |reason: String| AbiError::Decode {
        what: "value".into(),
        ty: ty.to_string(),
        reason,
    };
    let value = reader.value(ty).map_err(fail)?;
    if reader.pos != bytes.len() {
        return Err(fail(format!(
            "{} bytes left over after {} bytes",
            bytes.len() - reader.pos,
            reader.pos
        )));
    }
    Ok(value)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// What is left of [`MAX_ZERO_SIZED_ELEMENTS`].
    zero_sized_left: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| format!("needs {n} bytes at offset {}", self.pos))?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn len(&mut self) -> Result<usize, String> {
        Ok(u32::from_le_bytes(self.array()?) as usize)
    }

    /// `count` elements of `inner` (of the sequence type `seq`), checked
    /// against the bytes left before any is read.
    fn elements(&mut self, seq: &AbiType, inner: &AbiType, count: usize) -> Result<Value, String> {
        let at = self.pos;
        let left = self.bytes.len() - self.pos;
        match inner.min_len() {
            0 if count > self.zero_sized_left => {
                return Err(format!(
                    "{seq} at offset {at} has {count} zero-sized elements; a value may have at most {MAX_ZERO_SIZED_ELEMENTS}"
                ));
            }
            0 => self.zero_sized_left -= count,
            min => {
                if count.saturating_mul(min) > left {
                    return Err(format!(
                        "{seq} at offset {at} has {count} elements of at least {min} bytes; {left} bytes are left"
                    ));
                }
            }
        }
        (0..count)
            .map(|_| self.value(inner))
            .collect::<Result<_, _>>()
            .map(Value::Array)
    }

    fn value(&mut self, ty: &AbiType) -> Result<Value, String> {
        Ok(match ty {
            AbiType::U8 => self.array::<1>()?[0].into(),
            AbiType::U16 => u16::from_le_bytes(self.array()?).into(),
            AbiType::U32 => u32::from_le_bytes(self.array()?).into(),
            AbiType::U64 => u64::from_le_bytes(self.array()?).into(),
            AbiType::U128 => u128::from_le_bytes(self.array()?).to_string().into(),
            AbiType::I8 => i8::from_le_bytes(self.array()?).into(),
            AbiType::I16 => i16::from_le_bytes(self.array()?).into(),
            AbiType::I32 => i32::from_le_bytes(self.array()?).into(),
            AbiType::I64 => i64::from_le_bytes(self.array()?).into(),
            AbiType::I128 => i128::from_le_bytes(self.array()?).to_string().into(),
            AbiType::Bool => match self.array::<1>()?[0] {
                0 => false.into(),
                1 => true.into(),
                b => return Err(format!("bool byte {b} at offset {}", self.pos - 1)),
            },
            AbiType::String => {
                let n = self.len()?;
                let at = self.pos;
                String::from_utf8(self.take(n)?.to_vec())
                    .map_err(|_| format!("string at offset {at} is not UTF-8"))?
                    .into()
            }
            AbiType::Bytes => {
                let n = self.len()?;
                to_hex(self.take(n)?).into()
            }
            AbiType::Address => to_hex(self.take(32)?).into(),
            AbiType::Unit => Value::Null,
            AbiType::Option(inner) => match self.array::<1>()?[0] {
                0 => Value::Null,
                1 => self.value(inner)?,
                b => return Err(format!("option tag {b} at offset {}", self.pos - 1)),
            },
            AbiType::Vec(inner) => {
                let n = self.len()?;
                self.elements(ty, inner, n)?
            }
            AbiType::Array(inner, n) => self.elements(ty, inner, *n)?,
            AbiType::Tuple(types) => Value::Array(
                types
                    .iter()
                    .map(|t| self.value(t))
                    .collect::<Result<_, _>>()?,
            ),
            AbiType::Opaque(name) => {
                return Err(format!("type `{name}` is not described by the ABI"));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use borsh::BorshSerialize;
    use serde_json::json;

    fn none(_: &str) -> Option<[u8; 32]> {
        None
    }

    /// Encodes `json` as `ty`, checks the bytes against borsh's own
    /// encoding of `expected`, and decodes them back to `back`.
    fn round_trip<T: BorshSerialize>(ty: &str, input: Value, expected: T, back: Value) {
        let ty = AbiType::parse(ty).unwrap();
        let mut bytes = Vec::new();
        encode_value(&ty, &input, "x", &none, &mut bytes).unwrap();
        assert_eq!(bytes, borsh::to_vec(&expected).unwrap(), "{ty}");
        assert_eq!(decode(&ty, &bytes).unwrap(), back, "{ty}");
    }

    #[test]
    fn every_type_the_macro_emits() {
        round_trip("u8", json!(7), 7u8, json!(7));
        round_trip("u16", json!(65535), 65535u16, json!(65535));
        round_trip("u32", json!("42"), 42u32, json!(42));
        round_trip("u64", json!(u64::MAX), u64::MAX, json!(u64::MAX));
        round_trip(
            "u128",
            json!("340282366920938463463374607431768211455"),
            u128::MAX,
            json!("340282366920938463463374607431768211455"),
        );
        round_trip("u128", json!(1000), 1000u128, json!("1000"));
        round_trip("i8", json!(-128), -128i8, json!(-128));
        round_trip("i16", json!(-2), -2i16, json!(-2));
        round_trip("i32", json!(-5), -5i32, json!(-5));
        round_trip("i64", json!(i64::MIN), i64::MIN, json!(i64::MIN));
        round_trip("i128", json!("-1"), -1i128, json!("-1"));
        round_trip("bool", json!(true), true, json!(true));
        round_trip(
            "string",
            json!("héllo"),
            "héllo".to_string(),
            json!("héllo"),
        );
        round_trip(
            "bytes",
            json!("0x0102ff"),
            vec![1u8, 2, 255],
            json!("0102ff"),
        );
        round_trip(
            "address",
            json!("11".repeat(32)),
            [0x11u8; 32],
            json!("11".repeat(32)),
        );
        round_trip("option<u32>", json!(null), None::<u32>, json!(null));
        round_trip("option<u32>", json!(3), Some(3u32), json!(3));
        round_trip("vec<u16>", json!([1, 2]), vec![1u16, 2], json!([1, 2]));
        round_trip(
            "array<u8,3>",
            json!("010203"),
            [1u8, 2, 3],
            json!([1, 2, 3]),
        );
        round_trip("array<u32,2>", json!([1, 2]), [1u32, 2], json!([1, 2]));
        round_trip(
            "tuple<u32,bool,string>",
            json!([1, false, "a"]),
            (1u32, false, "a".to_string()),
            json!([1, false, "a"]),
        );
        round_trip("unit", json!(null), (), json!(null));
        round_trip(
            "vec<option<tuple<u8,unit>>>",
            json!([null, [1, null]]),
            vec![None, Some((1u8, ()))],
            json!([null, [1, null]]),
        );
    }

    #[test]
    fn mismatches_name_the_argument() {
        for (ty, value) in [
            ("u8", json!(256)),
            ("u8", json!(-1)),
            ("u64", json!(1.5)),
            ("i8", json!("x")),
            ("bool", json!(1)),
            ("bytes", json!("0x1")),
            ("address", json!("bob")),
            ("array<u8,2>", json!("010203")),
            ("tuple<u8>", json!([1, 2])),
            ("unit", json!(0)),
        ] {
            let ty = AbiType::parse(ty).unwrap();
            let err = encode_value(&ty, &value, "amount", &none, &mut Vec::new()).unwrap_err();
            assert!(err.to_string().contains("argument amount"), "{err}");
        }
        let err = encode_value(
            &AbiType::parse("my::Thing").unwrap(),
            &json!(1),
            "x",
            &none,
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(matches!(err, AbiError::Opaque { .. }), "{err}");
    }

    #[test]
    fn decode_rejects_short_long_and_bad_tags() {
        assert!(decode(&AbiType::U32, &[1, 2]).is_err());
        assert!(decode(&AbiType::U8, &[1, 2]).is_err());
        assert!(decode(&AbiType::Bool, &[2]).is_err());
        assert!(decode(&AbiType::parse("option<u8>").unwrap(), &[5, 0]).is_err());
        assert!(decode(&AbiType::String, &[1, 0, 0, 0, 0xff]).is_err());
        assert!(decode(&AbiType::parse("vec<u8>").unwrap(), &[255, 255, 255, 255]).is_err());
    }

    #[test]
    fn element_counts_are_bounded_by_the_input() {
        let decode_text = |ty: &str, bytes: &[u8]| decode(&AbiType::parse(ty).unwrap(), bytes);
        let count = |n: u32| n.to_le_bytes();
        // Zero-sized elements up to the limit decode; one more is an error
        // naming the type and offset, as is a count the bytes cannot hold.
        let limit = MAX_ZERO_SIZED_ELEMENTS as u32;
        let nulls = decode_text("vec<unit>", &count(limit)).unwrap();
        assert_eq!(nulls.as_array().unwrap().len(), MAX_ZERO_SIZED_ELEMENTS);
        for (ty, bytes) in [
            ("vec<unit>", count(limit + 1).to_vec()),
            ("vec<tuple<>>", count(limit + 1).to_vec()),
            ("vec<array<u8,0>>", count(limit + 1).to_vec()),
            ("array<unit,1025>", Vec::new()),
            ("array<array<unit,1000>,1000>", Vec::new()),
            ("vec<unit>", count(u32::MAX).to_vec()),
            (
                "vec<vec<unit>>",
                [count(2), count(u32::MAX), count(0)].concat(),
            ),
            ("array<tuple<>,4294967295>", Vec::new()),
        ] {
            let Err(err) = decode_text(ty, &bytes) else {
                panic!("{ty} decoded from {bytes:?}");
            };
            let err = err.to_string();
            assert!(
                err.contains("zero-sized elements") && err.contains("at offset"),
                "{ty}: {err}"
            );
        }
        let err = decode_text("vec<u64>", &count(u32::MAX))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "vec<u64> at offset 4 has 4294967295 elements of at least 8 bytes; 0 bytes are left"
            ),
            "{err}"
        );
        assert!(decode_text("array<u8,4294967295>", &[1, 2]).is_err());
    }

    fn token_abi() -> ContractAbi {
        ContractAbi::from_json(br#"{"abi":1,"methods":[{"name":"init","view":false,"args":[{"name":"total_supply","type":"u128"}],"result":null},{"name":"transfer","view":false,"args":[{"name":"to","type":"address"},{"name":"amount","type":"u128"}],"result":null},{"name":"total_supply","view":true,"args":[],"result":"u128"}],"events":[{"topic":"transfer","fields":[{"name":"from","type":"address"},{"name":"to","type":"address"},{"name":"amount","type":"u128"}]}]}"#).unwrap()
    }

    #[test]
    fn method_arguments_by_name_position_or_bare() {
        let abi = token_abi();
        let bob = |name: &str| (name == "bob").then_some([0xb0; 32]);
        let transfer = abi.method("transfer").unwrap();
        let expected = borsh::to_vec(&([0xb0u8; 32], 5u128)).unwrap();
        for args in [json!({"to": "bob", "amount": 5}), json!(["bob", "5"])] {
            assert_eq!(encode_args(transfer, &args, &bob).unwrap(), expected);
        }
        let init = abi.method("init").unwrap();
        for args in [json!(9), json!({"total_supply": "9"}), json!([9])] {
            let bytes = encode_args(init, &args, &bob);
            // `[9]` is the bare value for a one-argument method: a u128 is
            // not an array.
            if args.is_array() {
                assert!(bytes.is_err());
            } else {
                assert_eq!(bytes.unwrap(), 9u128.to_le_bytes());
            }
        }
        assert!(encode_args(transfer, &json!({"to": "bob"}), &bob).is_err());
        assert!(encode_args(transfer, &json!({"to": "bob", "amount": 1, "x": 1}), &bob).is_err());
        assert!(encode_args(transfer, &json!(["bob"]), &bob).is_err());
        let total = abi.method("total_supply").unwrap();
        assert!(encode_args(total, &Value::Null, &bob).unwrap().is_empty());
        let err = abi.method("mint").unwrap_err().to_string();
        assert!(err.contains("transfer"), "{err}");
    }

    #[test]
    fn events_decode_to_objects() {
        let abi = token_abi();
        let data = borsh::to_vec(&([1u8; 32], [2u8; 32], 7u128)).unwrap();
        assert_eq!(
            abi.decode_event(b"transfer", &data).unwrap(),
            json!({"from": "01".repeat(32), "to": "02".repeat(32), "amount": "7"})
        );
        assert_eq!(abi.decode_event(b"other", &data), None);
        assert_eq!(abi.decode_event(b"transfer", &data[1..]), None);
    }

    #[test]
    fn type_strings_round_trip() {
        for text in [
            "u8",
            "option<bytes>",
            "array<u8,4>",
            "tuple<u32,vec<address>>",
            "a::B",
        ] {
            assert_eq!(AbiType::parse(text).unwrap().to_string(), text);
        }
        assert!(AbiType::parse("array<u8,x>").is_err());
        assert!(AbiType::parse("option<u8,u8>").is_err());
    }

    #[test]
    fn type_strings_are_bounded() {
        let nested =
            |levels: usize| format!("{}u8{}", "option<".repeat(levels), ">".repeat(levels));
        let deepest = AbiType::parse(&nested(MAX_TYPE_DEPTH)).unwrap();
        assert_eq!(deepest.to_string(), nested(MAX_TYPE_DEPTH));
        // One level more is refused at the parameter too deep, and so is a
        // nesting deep enough to overflow the stack of a recursive parser.
        let err = AbiType::parse(&nested(MAX_TYPE_DEPTH + 1)).unwrap_err();
        let offset = (MAX_TYPE_DEPTH + 1) * "option<".len();
        assert_eq!(
            err.to_string(),
            format!(
                "bad ABI type `{}…` at offset {offset}: type parameters nest deeper than {MAX_TYPE_DEPTH} levels",
                &nested(MAX_TYPE_DEPTH + 1)[..80]
            )
        );
        let err = AbiType::parse(&nested(1_000_000)).unwrap_err();
        assert!(
            matches!(err, AbiError::BadType { offset: at, fault: TypeFault::TooDeep, .. } if at == offset),
            "{err}"
        );
        let err = AbiType::parse("tuple<u8, array<u8,4294967296>>").unwrap_err();
        assert_eq!(
            err.to_string(),
            "bad ABI type `tuple<u8, array<u8,4294967296>>` at offset 19: the array length is not a number up to 4294967295"
        );
        let err = AbiType::parse("vec<u8,u8>").unwrap_err();
        assert_eq!(
            err.to_string(),
            "bad ABI type `vec<u8,u8>` at offset 0: `vec` takes one type"
        );
    }
}
