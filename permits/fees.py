"""Retribusi: the fee of a permit type, free, fixed or a formula on the applicant's form answers.

A formula such as "luas_lantai * 10000" is parsed with `ast` and evaluated by walking the tree:
numbers, names of the permit type's number fields, + - * /, unary minus and parentheses, nothing
else. It is never passed to eval(). Amounts are whole rupiah (rounded half up), computed in Decimal.
"""

import ast
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation

from django.core.exceptions import ValidationError

FEE_KINDS = {"free", "fixed", "formula"}
FEE_KEYS = {"kind", "amount", "expression", "minimum", "maximum", "description"}
MAX_EXPRESSION = 300
MAX_AMOUNT = 10**13  # Rp 10 triliun: beyond any retribusi, and well inside a bigint

_OPERATORS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


def parse_formula(expression, names):
    """The parsed formula; ValidationError (Bahasa Indonesia) for anything but arithmetic on `names`.

    `names`: the allowed variable names (the number fields), or None to leave them unchecked.
    """
    if not isinstance(expression, str) or not expression.strip():
        raise ValidationError("Rumus retribusi kosong.")
    if len(expression) > MAX_EXPRESSION:
        raise ValidationError(f"Rumus retribusi paling panjang {MAX_EXPRESSION} karakter.")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        raise ValidationError(f"Rumus retribusi '{expression}' tidak dapat dibaca.") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Expression | ast.operator | ast.unaryop | ast.Load):
            continue
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            continue
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            continue
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            if names is not None and node.id not in names:
                raise ValidationError(
                    f"Rumus retribusi memakai '{node.id}', yang bukan isian angka jenis izin ini"
                    f" (yang tersedia: {', '.join(sorted(names)) or 'tidak ada'})."
                )
            continue
        raise ValidationError(
            f"Rumus retribusi '{expression}' hanya boleh berisi angka, nama isian angka, + - * / dan tanda kurung."
        )
    return tree


def _evaluate(node, values):
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, values)
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    return _OPERATORS[type(node.op)](_evaluate(node.left, values), _evaluate(node.right, values))


def check_fee(fee, number_fields):
    """Validate a fee definition (the catalogue's "fee" object); `number_fields`: codes of number form fields."""
    if not isinstance(fee, dict) or fee.get("kind") not in FEE_KINDS:
        raise ValidationError('Retribusi harus berupa {"kind": "free" | "fixed" | "formula", ...}.')
    kind = fee["kind"]
    unknown = set(fee) - FEE_KEYS
    if unknown:
        raise ValidationError(f"Retribusi: kunci tidak dikenal: {', '.join(sorted(unknown))}.")
    if not isinstance(fee.get("description", ""), str):
        raise ValidationError("Retribusi: 'description' harus berupa teks.")
    for key in ("amount", "minimum", "maximum"):
        if key in fee and (not _is_amount(fee[key])):
            raise ValidationError(f"Retribusi: '{key}' harus bilangan bulat rupiah yang tidak negatif.")
    if kind == "fixed" and not (_is_amount(fee.get("amount")) and fee["amount"] > 0):
        raise ValidationError("Retribusi tetap perlu 'amount' (rupiah, lebih dari 0).")
    if kind == "formula":
        parse_formula(fee.get("expression"), set(number_fields))
        if "minimum" in fee and "maximum" in fee and fee["minimum"] > fee["maximum"]:
            raise ValidationError("Retribusi: 'minimum' lebih besar dari 'maximum'.")
    if kind != "formula" and "expression" in fee:
        raise ValidationError("Retribusi: 'expression' hanya untuk kind 'formula'.")


def _is_amount(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_AMOUNT


def compute_fee(fee, form_data):
    """The retribusi in whole rupiah for these (already validated) form answers."""
    kind = fee.get("kind")
    if kind == "free":
        return 0
    if kind == "fixed":
        return fee["amount"]
    tree = parse_formula(fee["expression"], None)
    values = {}
    for name in {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}:
        raw = form_data.get(name)
        if raw is None or raw == "":
            raise ValidationError({name: ["Isian ini diperlukan untuk menghitung retribusi."]})
        values[name] = Decimal(str(raw))
    try:
        amount = _evaluate(tree, values)
    except (DivisionByZero, InvalidOperation, ZeroDivisionError):
        message = "Retribusi tidak dapat dihitung dari isian ini (pembagian dengan nol)."
        raise ValidationError({"fee": [message]}) from None
    amount = max(amount, Decimal(fee.get("minimum", 0)))
    if "maximum" in fee:
        amount = min(amount, Decimal(fee["maximum"]))
    rupiah = int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if rupiah < 0 or rupiah > MAX_AMOUNT:
        raise ValidationError({"fee": ["Retribusi hasil perhitungan di luar batas yang wajar; periksa isian angka."]})
    return rupiah


def describe_fee(fee):
    """The fee as the catalogue shows it, e.g. 'Gratis', 'Rp150.000', 'luas_lantai × Rp10.000 (minimal …)'."""
    kind = fee.get("kind")
    if kind == "free":
        return "Gratis (tanpa retribusi)"
    if kind == "fixed":
        return rupiah(fee["amount"]) + (f" ({fee['description']})" if fee.get("description") else "")
    text = fee.get("description") or f"Dihitung dengan rumus {fee['expression']}"
    if fee.get("minimum"):
        text += f", paling sedikit {rupiah(fee['minimum'])}"
    if fee.get("maximum"):
        text += f", paling banyak {rupiah(fee['maximum'])}"
    return text


def rupiah(amount):
    """150000 → 'Rp150.000' (Indonesian thousands separator)."""
    return "Rp" + f"{int(amount):,}".replace(",", ".")
