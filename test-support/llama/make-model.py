#!/usr/bin/env python3
"""Writes a llama-architecture GGUF with random weights for the test bed.

The model is nonsense, but llama-server loads it, fills its KV cache and
generates text with it, so loading, memory, OOM kills, hangs and restarts
can be tested on the real server. The tokenizer is copied from a vocab-only
GGUF of llama.cpp's source tree (models/ggml-vocab-*.gguf).

Same parameters, same bytes: every tensor's values come from a generator
seeded by the parameters and the tensor's name. The file is written beside
its destination and renamed into place under a lock, so concurrent callers
never see half a model and the second one reuses the first one's file.

    make-model.py --gguf-py SRC/gguf-py --vocab SRC/models/ggml-vocab-llama-spm.gguf \\
        --layers 2 --embd 64 --heads 2 --kv-heads 2 --ff 128 --ctx 4096 --type F16 --out m.gguf
"""
from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import sys
import time
import types
from pathlib import Path

try:
    import numpy as np
except ImportError as e:
    raise SystemExit(f"make-model.py needs numpy ({e}): install python3-numpy (apt) or numpy (pip)")

TYPES = ("F32", "F16", "Q8_0")
# general.file_type (llama_ftype) for each tensor type.
FILE_TYPE = {"F32": 0, "F16": 1, "Q8_0": 7}
Q8_BLOCK = 32


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="random-weight llama GGUF for tests")
    p.add_argument("--gguf-py", required=True, help="llama.cpp's gguf-py folder")
    p.add_argument("--vocab", required=True, help="vocab-only GGUF whose tokenizer.* keys are copied")
    p.add_argument("--layers", type=int, required=True)
    p.add_argument("--embd", type=int, required=True, help="embedding size")
    p.add_argument("--heads", type=int, required=True)
    p.add_argument("--kv-heads", type=int, required=True)
    p.add_argument("--ff", type=int, required=True, help="feed-forward size")
    p.add_argument("--ctx", type=int, default=4096, help="trained context length")
    p.add_argument("--type", choices=TYPES, default="F16")
    p.add_argument("--out", required=True)
    p.add_argument("--arch", default="llama", help="general.architecture (another name makes a model llama.cpp refuses)")
    p.add_argument("--experts", type=int, default=0, help="Mixtral-style mixture of experts: experts per layer (0 = dense)")
    p.add_argument("--experts-used", type=int, default=0, help="experts each token is routed to")
    a = p.parse_args(argv)
    errors = []
    for name in ("layers", "embd", "heads", "kv_heads", "ff", "ctx"):
        if getattr(a, name) < 1:
            errors.append(f"--{name.replace('_', '-')} must be ≥ 1, got {getattr(a, name)}")
    if not errors:
        if a.embd % a.heads:
            errors.append(f"--embd {a.embd} is not a multiple of --heads {a.heads}")
        elif (a.embd // a.heads) % 2:
            errors.append(f"head size {a.embd // a.heads} (--embd / --heads) must be even for RoPE")
        if a.heads % a.kv_heads:
            errors.append(f"--heads {a.heads} is not a multiple of --kv-heads {a.kv_heads}")
        if a.type == "Q8_0":
            for name in ("embd", "ff"):
                if getattr(a, name) % Q8_BLOCK:
                    errors.append(f"Q8_0 rows come in blocks of {Q8_BLOCK}: --{name} {getattr(a, name)} is not a multiple")
    if a.experts < 0 or a.experts_used < 0:
        errors.append("--experts and --experts-used must be ≥ 0")
    elif bool(a.experts) != bool(a.experts_used) or a.experts_used > a.experts:
        errors.append(f"--experts-used {a.experts_used} must be between 1 and --experts {a.experts} (both or neither)")
    if errors:
        p.error("; ".join(errors))
    return a


def import_gguf(gguf_py: str) -> types.ModuleType:
    sys.path.insert(0, gguf_py)
    try:
        import yaml  # noqa: F401  (gguf.metadata imports it; only model cards use it)
    except ImportError:
        sys.modules["yaml"] = types.ModuleType("yaml")
    import gguf

    return gguf


def seed_for(params: str, tensor: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{params}|{tensor}".encode()).digest()[:8], "little")


def main(argv: list[str]) -> int:
    a = parse_args(argv)
    gguf = import_gguf(a.gguf_py)
    out = os.path.abspath(a.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(out):
            print(out)
            return 0
        t0 = time.monotonic()
        tmp = f"{out}.tmp-{os.getpid()}"
        try:
            write_model(gguf, a, tmp)
            os.replace(tmp, out)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        print(f"wrote {out}: {os.path.getsize(out) / 2**20:.1f} MiB in {time.monotonic() - t0:.1f} s", file=sys.stderr)
    print(out)
    return 0


def write_model(gguf: types.ModuleType, a: argparse.Namespace, path: str) -> None:
    vocab = gguf.GGUFReader(a.vocab)
    tok_fields = [(k, f) for k, f in vocab.fields.items() if k.startswith("tokenizer.")]
    tokens = vocab.fields.get("tokenizer.ggml.tokens")
    if tokens is None:
        raise SystemExit(f"{a.vocab}: no tokenizer.ggml.tokens (not a vocab GGUF?)")
    n_vocab = len(tokens.data)
    head = a.embd // a.heads
    # The seed names every parameter that shapes the bytes, and the vocab file.
    params = f"L{a.layers} E{a.embd} H{a.heads} KV{a.kv_heads} FF{a.ff} C{a.ctx} {a.type} {os.path.basename(a.vocab)} V{n_vocab}"
    if a.experts:
        params += f" X{a.experts}/{a.experts_used}"

    qtype = getattr(gguf.GGMLQuantizationType, a.type)
    w = gguf.GGUFWriter(None, a.arch)
    w.add_name(f"vigil-testbed {params}")
    w.add_block_count(a.layers)
    w.add_context_length(a.ctx)
    w.add_embedding_length(a.embd)
    w.add_feed_forward_length(a.ff)
    w.add_head_count(a.heads)
    w.add_head_count_kv(a.kv_heads)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_rope_dimension_count(head)
    w.add_rope_freq_base(10000.0)
    w.add_vocab_size(n_vocab)
    w.add_file_type(FILE_TYPE[a.type])
    if a.experts:
        # llama.cpp's llama architecture reads feed_forward_length as each expert's width.
        w.add_expert_count(a.experts)
        w.add_expert_used_count(a.experts_used)
    if a.type == "Q8_0":
        w.add_quantization_version(gguf.GGML_QUANT_VERSION)
    for key, field in tok_fields:
        vtype = field.types[0]
        sub = field.types[1] if vtype == gguf.GGUFValueType.ARRAY else None
        w.add_key_value(key, field.contents(), vtype, sub)

    # (name, numpy shape = (rows, row length), kept F32); ggml's ne is the reverse.
    tensors = [("token_embd.weight", (n_vocab, a.embd), False)]
    for i in range(a.layers):
        b = f"blk.{i}"
        tensors += [
            (f"{b}.attn_norm.weight", (a.embd,), True),
            (f"{b}.attn_q.weight", (a.heads * head, a.embd), False),
            (f"{b}.attn_k.weight", (a.kv_heads * head, a.embd), False),
            (f"{b}.attn_v.weight", (a.kv_heads * head, a.embd), False),
            (f"{b}.attn_output.weight", (a.embd, a.heads * head), False),
            (f"{b}.ffn_norm.weight", (a.embd,), True),
        ]
        if a.experts:
            # Mixtral layout: a router (kept F32 as llama.cpp's quantizer keeps it) and stacked experts.
            tensors += [
                (f"{b}.ffn_gate_inp.weight", (a.experts, a.embd), True),
                (f"{b}.ffn_gate_exps.weight", (a.experts, a.ff, a.embd), False),
                (f"{b}.ffn_up_exps.weight", (a.experts, a.ff, a.embd), False),
                (f"{b}.ffn_down_exps.weight", (a.experts, a.embd, a.ff), False),
            ]
        else:
            tensors += [
                (f"{b}.ffn_gate.weight", (a.ff, a.embd), False),
                (f"{b}.ffn_up.weight", (a.ff, a.embd), False),
                (f"{b}.ffn_down.weight", (a.embd, a.ff), False),
            ]
    tensors += [("output_norm.weight", (a.embd,), True), ("output.weight", (n_vocab, a.embd), False)]

    def encode(shape: tuple[int, ...], norm: bool):
        """(numpy dtype, byte shape, raw ggml type) of a tensor as stored."""
        if norm or a.type == "F32":
            return np.float32, shape, None
        if a.type == "F16":
            return np.float16, shape, None
        return np.uint8, gguf.quant_shape_to_byte_shape(shape, qtype), qtype

    for name, shape, norm in tensors:
        dtype, byte_shape, raw = encode(shape, norm)
        nbytes = int(np.prod(byte_shape)) * np.dtype(dtype).itemsize
        w.add_tensor_info(name, byte_shape, np.dtype(dtype), nbytes, raw_dtype=raw)

    w.write_header_to_file(path=Path(path))
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()
    for name, shape, f32 in tensors:
        if name.endswith("norm.weight"):
            data = np.ones(shape, dtype=np.float32)
        else:
            rng = np.random.Generator(np.random.PCG64(seed_for(params, name)))
            # Uniform in ±0.08 (≈ the 0.02–0.05 std of trained weights' bulk): finite logits, varied tokens.
            data = (rng.random(shape, dtype=np.float32) - np.float32(0.5)) * np.float32(0.16)
            if f32:
                pass
            elif a.type == "F16":
                data = data.astype(np.float16)
            elif a.type == "Q8_0":
                data = gguf.quantize(data, qtype)
        w.write_tensor_data(data)
    w.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
