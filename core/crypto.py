"""Field encryption at rest with SM4 (GB/T 32907-2016), and blind indexes for exact lookups.

Secret fields (an expert's resident ID number and contacts, a TOTP secret) are stored as
``sm4gcm:v1:<base64(nonce | ciphertext | tag)>``: SM4 in GCM mode, so a tampered value fails to
decrypt instead of decrypting to garbage. The column's name is bound in as associated data, so a
value copied into another column does not decrypt either. An exact match (is this ID number
already registered?) goes through a blind index: HMAC-SM3 of the normalised value under a key
derived from the same data key, never through the plaintext.
"""

from __future__ import annotations

import base64
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "sm4gcm:v1:"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(ValueError):
    pass


def _derive(key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SM3(), length=16, salt=None, info=purpose).derive(key)


class FieldCipher:
    def __init__(self, data_key: bytes) -> None:
        if len(data_key) != 16:
            raise ValueError("the SM4 data key is 16 bytes")
        self._key = _derive(data_key, b"sunshine field encryption")
        self._index_key = _derive(data_key, b"sunshine blind index")

    def encrypt(self, plaintext: str, column: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        encryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(column.encode())
        body = encryptor.update(plaintext.encode()) + encryptor.finalize()
        return PREFIX + base64.b64encode(nonce + body + encryptor.tag).decode()

    def decrypt(self, stored: str, column: str) -> str:
        if not stored.startswith(PREFIX):
            raise DecryptionError("not an encrypted value")
        raw = base64.b64decode(stored[len(PREFIX) :])
        nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(column.encode())
        try:
            return (decryptor.update(body) + decryptor.finalize()).decode()
        except Exception as exc:  # InvalidTag: tampered, wrong key or wrong column
            raise DecryptionError("the value does not decrypt with this key") from exc

    def blind_index(self, value: str, column: str) -> str:
        message = f"{column}\0{value}".encode()
        return hmac.new(self._index_key, message, "sm3").hexdigest()
