"""Human coding sheets and inter-coder reliability (`judgstat sheet`).

One module per stage of the loop:
    export      parser output -> an .xlsx coding sheet (parser value, evidence, empty code column per field)
    agree       two or more coders' sheets -> agreement per field (percent, Cohen's / Fleiss' kappa,
                Krippendorff's alpha with a bootstrap interval) and agreement with the parser
    adjudicate  coders' sheets -> an .xlsx listing every disagreement for a third reading
    import_gold the adjudicated sheet -> gold JSONL in the published-cases format of `judgstat evaluate`
`workbook` holds what they share: the sheet layout, the code vocabulary and reading a coded sheet.
"""
