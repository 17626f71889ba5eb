" GDL guideline files: *.gdl (editors/README.md)
autocmd BufRead,BufNewFile *.gdl setfiletype gdl
